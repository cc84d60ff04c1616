"""The outbox: every message Pacer must send is stored first, then sent once by a rate-limited sender."""
