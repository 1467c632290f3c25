"""Money along its stages (issue 15): payments, transfers, obligations, expenditure, releases and returns; the money report and the conservation check."""
