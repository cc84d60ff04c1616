"""Weekly digests and status: each rep's and vendor's result against target, for a channel or a person."""
