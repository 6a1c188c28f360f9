"""The sandbox clock: each API client's time (real time plus an offset that only grows) and the
timers that fire on it."""
