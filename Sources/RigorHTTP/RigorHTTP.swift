// RigorHTTP — HTTP for Rigor's own clients: model providers (the builtin agent) and, later,
// the cloud backends.
//
// Owns: reading server-sent event streams incrementally (`ServerSentEventParser`), as model
// providers stream their answers. The HTTP client itself (AsyncHTTPClient / NIO) will live
// here and only here, so that no other module pays its build time.
