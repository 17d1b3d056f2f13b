"""The coordinator's review of the access log (logguppföljning, SPEC §7): a page that looks
people up, so it lives where the people are known; the log and its reads are audit's."""
