"""The truth-inference methods by name, without their code: what `quorum aggregate --help`
lists with NumPy not loaded. `categorical.METHODS` maps each name to its function and refuses to
load if the two lists differ."""

METHOD_NAMES = ("mv", "wmv", "ds", "one-coin", "glad", "mace", "ibcc")
