"""Services: each command validates, decides (in the domain) and appends events; queries
and reports read the projections. Interfaces call these functions and nothing below."""
