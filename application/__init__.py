"""Running the commands users make: typed commands, units of work, kept records."""
