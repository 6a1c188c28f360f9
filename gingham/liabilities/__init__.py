"""Liabilities: credit card, student loan and mortgage details of an Item's loan and credit accounts."""
