"""Investments: securities, holdings and investment transactions of an Item's investment accounts."""
