"""The demo app on Gingham's start page: a minimal "your app", like Plaid's quickstart."""
