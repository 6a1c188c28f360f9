"""Gingham's administration: API clients, wiping data, restoring the sandbox banks."""
