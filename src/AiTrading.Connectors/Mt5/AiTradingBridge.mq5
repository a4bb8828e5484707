//+------------------------------------------------------------------+
//| AiTradingBridge.mq5                                              |
//| Connects this MetaTrader 5 terminal to an AiTrading cluster as a |
//| venue: streams ticks, carries out the bridge's commands, reports |
//| executions and positions. Protocol: PROTOCOL.md (version 1).     |
//|                                                                  |
//| Install: copy to MQL5/Experts, compile in MetaEditor, attach to  |
//| any chart, allow "Algo Trading". Allow the gateway's address in  |
//| Tools > Options > Expert Advisors > "Allow WebRequest/sockets"   |
//| if your broker's build asks for it.                              |
//+------------------------------------------------------------------+
#property copyright "AiTrading"
#property version   "1.00"
#property strict

input string BridgeHost       = "127.0.0.1";   // gateway host
input int    BridgePort       = 8000;          // gateway HTTP port
input string BridgePath       = "/v1/mt5/bridge";
input bool   UseTls           = false;         // wss:// (a TLS proxy in front of the gateway)
input string Venue            = "mt5";         // Trading:Mt5Terminals:<venue> in the cluster
input string Token            = "";            // that venue's shared secret
input string Symbols          = "EURUSD,GBPUSD,USDJPY,XAUUSD";
input long   MagicNumber      = 20261201;
input int    DeviationPoints  = 10;            // accepted slippage for market orders

#define PROTOCOL_VERSION 1
#define RESEND_SECONDS   5
#define MAX_MESSAGE      65536

//--- connection
int      g_socket = INVALID_HANDLE;
bool     g_open = false;
int      g_heartbeatSeconds = 5;
datetime g_lastHeard = 0, g_lastBeat = 0, g_lastResend = 0, g_lastPositions = 0, g_nextAttempt = 0;
int      g_backoff = 1;
uchar    g_in[];                 // bytes received and not yet parsed into frames
string   g_fragment = "";        // a text message split over continuation frames

//--- journal (survives restarts: file in the common data folder)
string   g_orderIds[];  ulong g_tickets[];          // orderId -> MT5 order ticket
long     g_answerSeqs[]; string g_answers[];         // seq -> the ack sent for it
string   g_execIds[];    string g_execs[];           // executions not yet acknowledged
string   g_symbols[];
MqlTick  g_lastTicks[];

//+------------------------------------------------------------------+
int OnInit()
  {
   if(StringLen(Token) < 16) { Print("AiTradingBridge: Token must be at least 16 characters"); return INIT_PARAMETERS_INCORRECT; }
   int n = StringSplit(Symbols, ',', g_symbols);
   if(n <= 0) { Print("AiTradingBridge: no symbols"); return INIT_PARAMETERS_INCORRECT; }
   ArrayResize(g_lastTicks, n);
   for(int i = 0; i < n; i++)
     {
      StringTrimLeft(g_symbols[i]); StringTrimRight(g_symbols[i]);
      if(!SymbolSelect(g_symbols[i], true)) { PrintFormat("AiTradingBridge: unknown symbol %s", g_symbols[i]); return INIT_PARAMETERS_INCORRECT; }
      ZeroMemory(g_lastTicks[i]);
     }
   LoadJournal();
   EventSetMillisecondTimer(50);
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   SaveJournal();
   Disconnect("expert removed");
  }

//+------------------------------------------------------------------+
//| The loop: connect, read, stream ticks, beat, resend               |
//+------------------------------------------------------------------+
void OnTimer()
  {
   if(!g_open)
     {
      if(TimeLocal() >= g_nextAttempt) Connect();
      return;
     }
   ReadFrames();
   if(!g_open) return;
   StreamTicks();
   datetime now = TimeLocal();
   if(now - g_lastBeat >= g_heartbeatSeconds) { SendText(StringFormat("{\"type\":\"heartbeat\",\"time\":%I64d}", NowMsc())); g_lastBeat = now; }
   if(now - g_lastHeard > 3 * g_heartbeatSeconds) { Disconnect("bridge silent"); return; }
   if(now - g_lastResend >= RESEND_SECONDS) { ResendExecutions(); g_lastResend = now; }
   if(now - g_lastPositions >= 10) { SendPositions(); g_lastPositions = now; }
  }

void OnTick() { if(g_open) StreamTicks(); }

//+------------------------------------------------------------------+
//| Executions: every deal and every terminal state of our orders     |
//+------------------------------------------------------------------+
void OnTradeTransaction(const MqlTradeTransaction &trans, const MqlTradeRequest &request, const MqlTradeResult &result)
  {
   if(trans.type == TRADE_TRANSACTION_DEAL_ADD)
     {
      if(!HistoryDealSelect(trans.deal)) return;
      ulong orderTicket = (ulong)HistoryDealGetInteger(trans.deal, DEAL_ORDER);
      string orderId = OrderIdOf(orderTicket);
      if(orderId == "") return; // not placed by the bridge
      string symbol = HistoryDealGetString(trans.deal, DEAL_SYMBOL);
      double units = HistoryDealGetDouble(trans.deal, DEAL_VOLUME) * SymbolInfoDouble(symbol, SYMBOL_TRADE_CONTRACT_SIZE);
      long   time  = HistoryDealGetInteger(trans.deal, DEAL_TIME_MSC);
      string json = StringFormat("{\"type\":\"execution\",\"execId\":\"%I64u\",\"orderId\":\"%s\",\"kind\":\"fill\",\"quantity\":%s,\"price\":%s,\"time\":%I64d}",
                                 trans.deal, Escape(orderId), Num(units), Num(HistoryDealGetDouble(trans.deal, DEAL_PRICE)), time);
      Report(StringFormat("%I64u", trans.deal), json);
      return;
     }
   if(trans.type == TRADE_TRANSACTION_HISTORY_ADD)
     {
      string orderId = OrderIdOf(trans.order);
      if(orderId == "" || !HistoryOrderSelect(trans.order)) return;
      ENUM_ORDER_STATE st = (ENUM_ORDER_STATE)HistoryOrderGetInteger(trans.order, ORDER_STATE);
      string kind = st == ORDER_STATE_CANCELED ? "cancelled" : st == ORDER_STATE_EXPIRED ? "expired" : st == ORDER_STATE_REJECTED ? "rejected" : "";
      if(kind == "") return; // filled: the deals said it
      string execId = StringFormat("%s-%I64u", kind, trans.order);
      Report(execId, StringFormat("{\"type\":\"execution\",\"execId\":\"%s\",\"orderId\":\"%s\",\"kind\":\"%s\",\"time\":%I64d}",
                                  execId, Escape(orderId), kind, NowMsc()));
     }
  }

// Journal first, then send: a crash between the two resends it after the restart.
void Report(string execId, string json)
  {
   for(int i = 0; i < ArraySize(g_execIds); i++) if(g_execIds[i] == execId) return;
   int n = ArraySize(g_execIds);
   ArrayResize(g_execIds, n + 1); ArrayResize(g_execs, n + 1);
   g_execIds[n] = execId; g_execs[n] = json;
   SaveJournal();
   if(g_open) SendText(json);
  }

void ResendExecutions() { for(int i = 0; i < ArraySize(g_execs); i++) SendText(g_execs[i]); }

void Acknowledged(string execId)
  {
   int n = ArraySize(g_execIds);
   for(int i = 0; i < n; i++)
      if(g_execIds[i] == execId)
        {
         for(int j = i; j < n - 1; j++) { g_execIds[j] = g_execIds[j + 1]; g_execs[j] = g_execs[j + 1]; }
         ArrayResize(g_execIds, n - 1); ArrayResize(g_execs, n - 1);
         SaveJournal();
         return;
        }
  }

//+------------------------------------------------------------------+
//| Commands                                                          |
//+------------------------------------------------------------------+
void OnMessage(string json)
  {
   g_lastHeard = TimeLocal();
   string type = JsonString(json, "type");
   if(type == "execAck") { Acknowledged(JsonString(json, "execId")); return; }
   if(type == "heartbeat") return;
   if(type == "welcome")
     {
      g_heartbeatSeconds = (int)MathMax(1, JsonNumber(json, "heartbeatSeconds"));
      ResendExecutions();
      SendPositions();
      return;
     }
   if(type == "error")
     {
      PrintFormat("AiTradingBridge: bridge says %s: %s (%s)", JsonString(json, "code"), JsonString(json, "message"), json);
      string code = JsonString(json, "code");
      if(code == "unauthorized" || code == "replaced") g_backoff = 60;
      return;
     }
   long seq = (long)JsonNumber(json, "seq");
   if(seq <= 0) return;
   string answered = AnswerOf(seq);
   if(answered != "") { SendText(answered); return; } // done before: the same answer again
   if(type == "order")  { Answer(seq, Place(json)); return; }
   if(type == "cancel") { Answer(seq, Cancel(json)); return; }
   if(type == "modify") { Answer(seq, Modify(json)); return; }
  }

void Answer(long seq, string ack)
  {
   int n = ArraySize(g_answerSeqs);
   ArrayResize(g_answerSeqs, n + 1); ArrayResize(g_answers, n + 1);
   g_answerSeqs[n] = seq; g_answers[n] = StringFormat("{\"type\":\"ack\",\"seq\":%I64d,%s}", seq, ack);
   if(n >= 2000) // keep the newest answers only
     {
      ArrayRemove(g_answerSeqs, 0, 1000); ArrayRemove(g_answers, 0, 1000);
     }
   SaveJournal();
   SendText(g_answers[ArraySize(g_answers) - 1]);
  }

string Ok(ulong ticket)     { return StringFormat("\"ok\":true,\"ticket\":\"%I64u\"", ticket); }
string Refused(string why)  { return StringFormat("\"ok\":false,\"reason\":\"%s\"", Escape(why)); }

string Place(string json)
  {
   string orderId = JsonString(json, "orderId");
   ulong known = TicketOf(orderId);
   if(known == 0) known = FindByComment(orderId);
   if(known != 0) return Ok(known); // placed before a crash or a lost answer: never twice

   string symbol = JsonString(json, "symbol");
   double contract = SymbolInfoDouble(symbol, SYMBOL_TRADE_CONTRACT_SIZE);
   if(contract <= 0) return Refused("unknown symbol " + symbol);
   double lots = JsonNumber(json, "quantity") / contract;
   double step = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
   double rounded = MathRound(lots / step) * step;
   if(MathAbs(rounded - lots) > step * 1e-6) return Refused(StringFormat("quantity is %.8f lots; the volume step is %.8f", lots, step));

   bool buy = JsonString(json, "side") == "BUY";
   string orderType = JsonString(json, "orderType");
   string tif = JsonString(json, "timeInForce");
   MqlTradeRequest req; MqlTradeResult res;
   ZeroMemory(req); ZeroMemory(res);
   req.symbol = symbol; req.volume = rounded; req.magic = MagicNumber; req.deviation = DeviationPoints;
   req.comment = StringSubstr(orderId, 0, 31);
   req.type_filling = tif == "FOK" ? ORDER_FILLING_FOK : (tif == "IOC" || orderType == "MARKET") ? ORDER_FILLING_IOC : ORDER_FILLING_RETURN;
   req.type_time = tif == "DAY" ? ORDER_TIME_DAY : ORDER_TIME_GTC;
   if(orderType == "MARKET")
     {
      req.action = TRADE_ACTION_DEAL;
      req.type = buy ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
      req.price = buy ? SymbolInfoDouble(symbol, SYMBOL_ASK) : SymbolInfoDouble(symbol, SYMBOL_BID);
     }
   else
     {
      req.action = TRADE_ACTION_PENDING;
      if(orderType == "LIMIT")      { req.type = buy ? ORDER_TYPE_BUY_LIMIT : ORDER_TYPE_SELL_LIMIT; req.price = JsonNumber(json, "limitPrice"); }
      else if(orderType == "STOP")  { req.type = buy ? ORDER_TYPE_BUY_STOP : ORDER_TYPE_SELL_STOP;   req.price = JsonNumber(json, "stopPrice"); }
      else                          { req.type = buy ? ORDER_TYPE_BUY_STOP_LIMIT : ORDER_TYPE_SELL_STOP_LIMIT;
                                      req.price = JsonNumber(json, "stopPrice"); req.stoplimit = JsonNumber(json, "limitPrice"); }
     }
   // Journal the intent under a placeholder ticket first: after a crash inside OrderSend, FindByComment settles it.
   Remember(orderId, 0);
   if(!OrderSend(req, res) || (res.retcode != TRADE_RETCODE_DONE && res.retcode != TRADE_RETCODE_PLACED && res.retcode != TRADE_RETCODE_DONE_PARTIAL))
     {
      Forget(orderId);
      return Refused(StringFormat("%u %s", res.retcode, res.comment));
     }
   Remember(orderId, res.order);
   return Ok(res.order);
  }

string Cancel(string json)
  {
   ulong ticket = TicketOf(JsonString(json, "orderId"));
   if(ticket == 0 || !OrderSelect(ticket)) return Refused("not a working order at the terminal");
   MqlTradeRequest req; MqlTradeResult res; ZeroMemory(req); ZeroMemory(res);
   req.action = TRADE_ACTION_REMOVE; req.order = ticket;
   if(!OrderSend(req, res) || res.retcode != TRADE_RETCODE_DONE) return Refused(StringFormat("%u %s", res.retcode, res.comment));
   return Ok(ticket);
  }

string Modify(string json)
  {
   ulong ticket = TicketOf(JsonString(json, "orderId"));
   if(ticket == 0 || !OrderSelect(ticket)) return Refused("not a working order at the terminal");
   string symbol = OrderGetString(ORDER_SYMBOL);
   double lots = JsonNumber(json, "quantity") / SymbolInfoDouble(symbol, SYMBOL_TRADE_CONTRACT_SIZE);
   if(MathAbs(lots - OrderGetDouble(ORDER_VOLUME_CURRENT)) > 1e-9) return Refused("MT5 cannot change a pending order's volume; cancel and place a new one");
   MqlTradeRequest req; MqlTradeResult res; ZeroMemory(req); ZeroMemory(res);
   req.action = TRADE_ACTION_MODIFY; req.order = ticket; req.symbol = symbol;
   ENUM_ORDER_TYPE t = (ENUM_ORDER_TYPE)OrderGetInteger(ORDER_TYPE);
   bool limit = t == ORDER_TYPE_BUY_LIMIT || t == ORDER_TYPE_SELL_LIMIT;
   bool stopLimit = t == ORDER_TYPE_BUY_STOP_LIMIT || t == ORDER_TYPE_SELL_STOP_LIMIT;
   req.price = limit ? JsonNumber(json, "limitPrice") : JsonNumber(json, "stopPrice");
   if(stopLimit) req.stoplimit = JsonNumber(json, "limitPrice");
   req.type_time = (ENUM_ORDER_TYPE_TIME)OrderGetInteger(ORDER_TYPE_TIME);
   if(!OrderSend(req, res) || res.retcode != TRADE_RETCODE_DONE) return Refused(StringFormat("%u %s", res.retcode, res.comment));
   return Ok(ticket);
  }

ulong FindByComment(string orderId)
  {
   string comment = StringSubstr(orderId, 0, 31);
   for(int i = OrdersTotal() - 1; i >= 0; i--)
     {
      ulong t = OrderGetTicket(i);
      if(OrderGetInteger(ORDER_MAGIC) == MagicNumber && OrderGetString(ORDER_COMMENT) == comment) { Remember(orderId, t); return t; }
     }
   HistorySelect(TimeCurrent() - 86400 * 7, TimeCurrent() + 86400);
   for(int i = HistoryOrdersTotal() - 1; i >= 0; i--)
     {
      ulong t = HistoryOrderGetTicket(i);
      if(HistoryOrderGetInteger(t, ORDER_MAGIC) == MagicNumber && HistoryOrderGetString(t, ORDER_COMMENT) == comment) { Remember(orderId, t); return t; }
     }
   return 0;
  }

//+------------------------------------------------------------------+
//| Market data and positions                                         |
//+------------------------------------------------------------------+
void StreamTicks()
  {
   for(int i = 0; i < ArraySize(g_symbols); i++)
     {
      MqlTick t;
      if(!SymbolInfoTick(g_symbols[i], t) || t.time_msc == g_lastTicks[i].time_msc) continue;
      if(t.bid <= 0 || t.ask < t.bid) continue;
      g_lastTicks[i] = t;
      double contract = SymbolInfoDouble(g_symbols[i], SYMBOL_TRADE_CONTRACT_SIZE);
      SendText(StringFormat("{\"type\":\"tick\",\"symbol\":\"%s\",\"time\":%I64d,\"bid\":%s,\"ask\":%s,\"bidVolume\":%s,\"askVolume\":%s}",
                            g_symbols[i], ToUtcMsc(t.time_msc), Num(t.bid), Num(t.ask), Num(SymbolInfoDouble(g_symbols[i], SYMBOL_VOLUME_MAX) * contract),
                            Num(SymbolInfoDouble(g_symbols[i], SYMBOL_VOLUME_MAX) * contract)));
     }
  }

void SendPositions()
  {
   string items = "";
   for(int i = 0; i < PositionsTotal(); i++)
     {
      if(PositionGetTicket(i) == 0) continue;
      string symbol = PositionGetString(POSITION_SYMBOL);
      double units = PositionGetDouble(POSITION_VOLUME) * SymbolInfoDouble(symbol, SYMBOL_TRADE_CONTRACT_SIZE);
      if(PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_SELL) units = -units;
      if(items != "") items += ",";
      items += StringFormat("{\"symbol\":\"%s\",\"quantity\":%s,\"averagePrice\":%s,\"profit\":%s}", symbol, Num(units),
                            Num(PositionGetDouble(POSITION_PRICE_OPEN)), Num(PositionGetDouble(POSITION_PROFIT)));
     }
   SendText("{\"type\":\"positions\",\"positions\":[" + items + "]}");
  }

//+------------------------------------------------------------------+
//| WebSocket client over MQL5 sockets (RFC 6455)                     |
//+------------------------------------------------------------------+
void Connect()
  {
   g_socket = SocketCreate();
   if(g_socket == INVALID_HANDLE || !SocketConnect(g_socket, BridgeHost, BridgePort, 5000) || (UseTls && !SocketTlsHandshake(g_socket, BridgeHost)))
     { Retry(StringFormat("cannot reach %s:%d (%d)", BridgeHost, BridgePort, GetLastError())); return; }

   uchar nonce[16]; for(int i = 0; i < 16; i++) nonce[i] = (uchar)MathRand();
   uchar empty[], key[];
   CryptEncode(CRYPT_BASE64, nonce, empty, key);
   string keyText = CharArrayToString(key);
   string request = "GET " + BridgePath + " HTTP/1.1\r\nHost: " + BridgeHost + ":" + IntegerToString(BridgePort) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + keyText + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
   uchar bytes[]; int n = StringToCharArray(request, bytes, 0, WHOLE_ARRAY, CP_UTF8) - 1;
   if(!RawSend(bytes, n)) { Retry("handshake send failed"); return; }

   string response = "";
   uint deadline = GetTickCount() + 5000;
   while(StringFind(response, "\r\n\r\n") < 0 && GetTickCount() < deadline)
     {
      uchar chunk[]; int got = RawRead(chunk, 1);
      if(got > 0) response += CharArrayToString(chunk, 0, got, CP_UTF8); else Sleep(5);
     }
   uchar accept[], sha[], expected[];
   StringToCharArray(keyText + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", accept, 0, WHOLE_ARRAY, CP_UTF8);
   ArrayResize(accept, ArraySize(accept) - 1);
   CryptEncode(CRYPT_HASH_SHA1, accept, empty, sha);
   CryptEncode(CRYPT_BASE64, sha, empty, expected);
   if(StringFind(response, " 101 ") < 0 || StringFind(response, CharArrayToString(expected)) < 0)
     { Retry("the gateway refused the upgrade: " + StringSubstr(response, 0, 80)); return; }

   g_open = true; g_backoff = 1; g_lastHeard = TimeLocal(); g_lastBeat = 0;
   ArrayResize(g_in, 0); g_fragment = "";
   string symbols = "";
   for(int i = 0; i < ArraySize(g_symbols); i++)
     {
      string s = g_symbols[i];
      if(symbols != "") symbols += ",";
      symbols += StringFormat("{\"symbol\":\"%s\",\"baseCurrency\":\"%s\",\"quoteCurrency\":\"%s\",\"tickSize\":%s}", s,
                              SymbolInfoString(s, SYMBOL_CURRENCY_BASE), SymbolInfoString(s, SYMBOL_CURRENCY_PROFIT), Num(SymbolInfoDouble(s, SYMBOL_TRADE_TICK_SIZE)));
     }
   SendText(StringFormat("{\"type\":\"hello\",\"protocol\":%d,\"venue\":\"%s\",\"token\":\"%s\",\"terminal\":\"%s %I64d\",\"symbols\":[%s]}",
                         PROTOCOL_VERSION, Escape(Venue), Escape(Token), Escape(AccountInfoString(ACCOUNT_SERVER)), AccountInfoInteger(ACCOUNT_LOGIN), symbols));
  }

void Retry(string why)
  {
   PrintFormat("AiTradingBridge: %s; next attempt in %d s", why, g_backoff);
   Disconnect(why);
   g_nextAttempt = TimeLocal() + g_backoff;
   g_backoff = (int)MathMin(60, g_backoff * 2);
  }

void Disconnect(string why)
  {
   if(g_socket != INVALID_HANDLE) SocketClose(g_socket);
   g_socket = INVALID_HANDLE;
   if(g_open) PrintFormat("AiTradingBridge: disconnected (%s)", why);
   g_open = false;
   if(g_nextAttempt < TimeLocal()) g_nextAttempt = TimeLocal() + g_backoff;
  }

bool SendText(string text)
  {
   if(!g_open) return false;
   uchar payload[]; int len = StringToCharArray(text, payload, 0, WHOLE_ARRAY, CP_UTF8) - 1;
   return SendFrame(0x1, payload, len);
  }

// Client frames are masked (RFC 6455 section 5.3).
bool SendFrame(int opcode, const uchar &payload[], int len)
  {
   uchar frame[]; int h = 2;
   ArrayResize(frame, len + 14);
   frame[0] = (uchar)(0x80 | opcode);
   if(len < 126) frame[1] = (uchar)(0x80 | len);
   else if(len < 65536) { frame[1] = 0x80 | 126; frame[2] = (uchar)(len >> 8); frame[3] = (uchar)len; h = 4; }
   else { frame[1] = 0x80 | 127; for(int i = 0; i < 8; i++) frame[2 + i] = (uchar)(((long)len >> (56 - 8 * i)) & 0xFF); h = 10; }
   uchar mask[4]; for(int i = 0; i < 4; i++) { mask[i] = (uchar)MathRand(); frame[h + i] = mask[i]; }
   h += 4;
   for(int i = 0; i < len; i++) frame[h + i] = (uchar)(payload[i] ^ mask[i % 4]);
   if(RawSend(frame, h + len)) return true;
   Retry("send failed");
   return false;
  }

void ReadFrames()
  {
   uchar chunk[]; int got;
   while((got = RawRead(chunk, 0)) > 0) { int n = ArraySize(g_in); ArrayResize(g_in, n + got); ArrayCopy(g_in, chunk, n, 0, got); }
   if(got < 0) { Retry("connection lost"); return; }
   while(ArraySize(g_in) >= 2)
     {
      int opcode = g_in[0] & 0x0F; bool fin = (g_in[0] & 0x80) != 0;
      long len = g_in[1] & 0x7F; int h = 2;
      if(len == 126) { if(ArraySize(g_in) < 4) return; len = ((long)g_in[2] << 8) | g_in[3]; h = 4; }
      else if(len == 127) { if(ArraySize(g_in) < 10) return; len = 0; for(int i = 0; i < 8; i++) len = (len << 8) | g_in[2 + i]; h = 10; }
      if(len > MAX_MESSAGE) { Retry("frame too large"); return; }
      if(ArraySize(g_in) < h + len) return; // the rest has not arrived yet
      string text = CharArrayToString(g_in, h, (int)len, CP_UTF8);
      uchar body[]; ArrayCopy(body, g_in, 0, h, (int)len);
      ArrayRemove(g_in, 0, h + (int)len);
      if(opcode == 0x8) { Retry("closed by the gateway"); return; }
      if(opcode == 0x9) { SendFrame(0xA, body, (int)len); continue; } // ping -> pong
      if(opcode == 0x1 || opcode == 0x0)
        {
         g_fragment += text;
         if(fin) { string message = g_fragment; g_fragment = ""; OnMessage(message); if(!g_open) return; }
        }
     }
  }

bool RawSend(const uchar &data[], int len)
  {
   int sent = UseTls ? SocketTlsSend(g_socket, data, len) : SocketSend(g_socket, data, len);
   return sent == len;
  }

// Up to what is readable now (at least `atLeast` bytes if asked); 0 when nothing is waiting, -1 when the socket is gone.
int RawRead(uchar &data[], int atLeast)
  {
   if(!SocketIsConnected(g_socket)) return -1;
   uint readable = SocketIsReadable(g_socket);
   if(readable == 0) return 0;
   if(atLeast > 0 && readable > (uint)atLeast) readable = (uint)atLeast;
   return UseTls ? SocketTlsRead(g_socket, data, readable) : SocketRead(g_socket, data, readable, 100);
  }

//+------------------------------------------------------------------+
//| Journal                                                           |
//+------------------------------------------------------------------+
string JournalFile() { return "AiTradingBridge_" + Venue + ".journal"; }

void SaveJournal()
  {
   int f = FileOpen(JournalFile() + ".tmp", FILE_WRITE | FILE_TXT | FILE_COMMON | FILE_ANSI);
   if(f == INVALID_HANDLE) { Print("AiTradingBridge: cannot write the journal"); return; }
   for(int i = 0; i < ArraySize(g_orderIds); i++) FileWriteString(f, StringFormat("order\t%s\t%I64u\n", g_orderIds[i], g_tickets[i]));
   for(int i = 0; i < ArraySize(g_answerSeqs); i++) FileWriteString(f, StringFormat("answer\t%I64d\t%s\n", g_answerSeqs[i], g_answers[i]));
   for(int i = 0; i < ArraySize(g_execIds); i++) FileWriteString(f, StringFormat("exec\t%s\t%s\n", g_execIds[i], g_execs[i]));
   FileClose(f);
   FileMove(JournalFile() + ".tmp", FILE_COMMON, JournalFile(), FILE_COMMON | FILE_REWRITE);
  }

void LoadJournal()
  {
   int f = FileOpen(JournalFile(), FILE_READ | FILE_TXT | FILE_COMMON | FILE_ANSI);
   if(f == INVALID_HANDLE) return;
   while(!FileIsEnding(f))
     {
      string parts[];
      if(StringSplit(FileReadString(f), '\t', parts) < 3) continue;
      if(parts[0] == "order") Remember(parts[1], (ulong)StringToInteger(parts[2]));
      else if(parts[0] == "answer") { int n = ArraySize(g_answerSeqs); ArrayResize(g_answerSeqs, n + 1); ArrayResize(g_answers, n + 1); g_answerSeqs[n] = StringToInteger(parts[1]); g_answers[n] = parts[2]; }
      else if(parts[0] == "exec") { int n = ArraySize(g_execIds); ArrayResize(g_execIds, n + 1); ArrayResize(g_execs, n + 1); g_execIds[n] = parts[1]; g_execs[n] = parts[2]; }
     }
   FileClose(f);
  }

void Remember(string orderId, ulong ticket)
  {
   for(int i = 0; i < ArraySize(g_orderIds); i++) if(g_orderIds[i] == orderId) { g_tickets[i] = ticket; SaveJournal(); return; }
   int n = ArraySize(g_orderIds);
   ArrayResize(g_orderIds, n + 1); ArrayResize(g_tickets, n + 1);
   g_orderIds[n] = orderId; g_tickets[n] = ticket;
   SaveJournal();
  }

void Forget(string orderId)
  {
   int n = ArraySize(g_orderIds);
   for(int i = 0; i < n; i++)
      if(g_orderIds[i] == orderId) { ArrayRemove(g_orderIds, i, 1); ArrayRemove(g_tickets, i, 1); SaveJournal(); return; }
  }

ulong  TicketOf(string orderId) { for(int i = 0; i < ArraySize(g_orderIds); i++) if(g_orderIds[i] == orderId) return g_tickets[i]; return 0; }
string OrderIdOf(ulong ticket)  { for(int i = 0; i < ArraySize(g_tickets); i++) if(g_tickets[i] == ticket) return g_orderIds[i]; return ""; }
string AnswerOf(long seq)       { for(int i = ArraySize(g_answerSeqs) - 1; i >= 0; i--) if(g_answerSeqs[i] == seq) return g_answers[i]; return ""; }

//+------------------------------------------------------------------+
//| Minimal JSON for the bridge's flat messages                       |
//+------------------------------------------------------------------+
int ValueStart(string json, string key)
  {
   int at = StringFind(json, "\"" + key + "\"");
   if(at < 0) return -1;
   at = StringFind(json, ":", at + StringLen(key) + 2);
   if(at < 0) return -1;
   at++;
   while(at < StringLen(json) && StringGetCharacter(json, at) == ' ') at++;
   return at;
  }

string JsonString(string json, string key)
  {
   int at = ValueStart(json, key);
   if(at < 0 || StringGetCharacter(json, at) != '"') return "";
   string out = "";
   for(int i = at + 1; i < StringLen(json); i++)
     {
      ushort c = StringGetCharacter(json, i);
      if(c == '\\' && i + 1 < StringLen(json)) { i++; out += ShortToString(StringGetCharacter(json, i)); continue; }
      if(c == '"') break;
      out += ShortToString(c);
     }
   return out;
  }

double JsonNumber(string json, string key)
  {
   int at = ValueStart(json, key);
   if(at < 0) return 0;
   int end = at;
   while(end < StringLen(json)) { ushort c = StringGetCharacter(json, end); if(c == ',' || c == '}' || c == ' ') break; end++; }
   string text = StringSubstr(json, at, end - at);
   return text == "null" ? 0 : StringToDouble(text);
  }

string Escape(string s) { StringReplace(s, "\\", "\\\\"); StringReplace(s, "\"", "\\\""); return s; }
string Num(double v)    { return DoubleToString(v, 10); }
long   NowMsc()         { return (long)TimeGMT() * 1000; }
// Tick times are the trade server's clock, usually hours off UTC; the bridge wants UTC (and refuses ticks far ahead of
// its clock). The offset is whole quarter hours, so rounding removes the jitter between the two readings.
long   ToUtcMsc(long serverMsc) { return serverMsc - (long)MathRound((double)(TimeTradeServer() - TimeGMT()) / 900.0) * 900 * 1000; }
//+------------------------------------------------------------------+
