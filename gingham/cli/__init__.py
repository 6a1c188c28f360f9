"""The `gingham` command: `main` parses the command line (gingham.cli.main) and hands each
command group to its module — serving, clients, clock — and the bank's to gingham.bank_simulation."""
