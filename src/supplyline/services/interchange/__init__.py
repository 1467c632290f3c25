"""Files in and out: spreadsheet imports, party matching, the Kiel tracker, the OCDS export."""
