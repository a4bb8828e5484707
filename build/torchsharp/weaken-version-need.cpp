// Marks one version requirement of an ELF64 shared library weak (VER_FLG_WEAK in its Vernaux entry), so the dynamic
// loader accepts a libstdc++ that lacks that version. Usage: weaken-version-need FILE VERSION. Prints "weakened",
// "already weak" or an error; exit 0 when the requirement is weak afterwards (or absent: "absent").
#include <elf.h>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 3) { std::fprintf(stderr, "usage: %s FILE VERSION\n", argv[0]); return 2; }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 || bytes[EI_CLASS] != ELFCLASS64)
    { std::fprintf(stderr, "%s: not an ELF64 file\n", argv[1]); return 1; }
    auto* header = reinterpret_cast<Elf64_Ehdr*>(bytes.data());
    auto* sections = reinterpret_cast<Elf64_Shdr*>(bytes.data() + header->e_shoff);
    for (int i = 0; i < header->e_shnum; i++)
    {
        if (sections[i].sh_type != SHT_GNU_verneed) continue;
        const char* strings = bytes.data() + sections[sections[i].sh_link].sh_offset;
        size_t need = sections[i].sh_offset;
        for (unsigned n = 0; n < sections[i].sh_info; n++)
        {
            auto* verneed = reinterpret_cast<Elf64_Verneed*>(bytes.data() + need);
            size_t aux = need + verneed->vn_aux;
            for (unsigned a = 0; a < verneed->vn_cnt; a++)
            {
                auto* vernaux = reinterpret_cast<Elf64_Vernaux*>(bytes.data() + aux);
                if (std::strcmp(strings + vernaux->vna_name, argv[2]) == 0)
                {
                    if (vernaux->vna_flags & VER_FLG_WEAK) { std::puts("already weak"); return 0; }
                    vernaux->vna_flags |= VER_FLG_WEAK;
                    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
                    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                    if (!out) { std::fprintf(stderr, "%s: cannot write\n", argv[1]); return 1; }
                    std::puts("weakened");
                    return 0;
                }
                aux += vernaux->vna_next;
            }
            need += verneed->vn_next;
        }
    }
    std::puts("absent");
    return 0;
}
