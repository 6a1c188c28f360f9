"""Things that happen at the banks, on a test's command: Gingham-only endpoints
(`/_gingham/bank/*`) and `gingham bank …`, apart from Plaid's paths. Each changes what the
sandbox bank holds and, through gingham.items.lifecycle, the Items made with it."""
