"""Signal: ACH return risk scores for a proposed debit, and the decisions and returns reported."""
