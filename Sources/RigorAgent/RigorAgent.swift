// RigorAgent: the agent of the RUN phase. Today it owns what the agent is told (the RUN prompt
// and its context section) and how long it may take (the time budget); the agent runtimes and
// `rigor run` come here next.
