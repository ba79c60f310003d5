// RigorHTTP — HTTP for Rigor's own clients: model providers (the builtin agent) and, later,
// the cloud backends.
//
// Owns: the one HTTP client (`StreamingHTTPClient`, on AsyncHTTPClient; this is the only
// module that imports AsyncHTTPClient or NIO, and it imports them `internal`, so no other
// module pays their build time or sees their types) and the incremental reading of
// server-sent event streams (`ServerSentEventParser`), as model providers stream answers.
