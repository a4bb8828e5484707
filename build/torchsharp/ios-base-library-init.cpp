// GCC 13's <iostream> calls std::ios_base_library_init() (GLIBCXX_3.4.32) to initialise the standard streams.
// Older libstdc++ (Debian 12 stops at 3.4.30) initialises them itself, so the function only has to make sure the
// streams exist, which constructing an ios_base::Init does.
#include <ios>

namespace std
{
    __attribute__((visibility("default"))) void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
