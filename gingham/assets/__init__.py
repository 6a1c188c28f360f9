"""Assets: asset reports over one or more Items, built on the sandbox clock, with their PDFs and audit copies."""
