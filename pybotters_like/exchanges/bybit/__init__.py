"""bybit: everything pybotters_like knows about this exchange."""
