"""What both ingestion and analysis do to raw strings: regex trees and literals, Hyperscan, the rule prefilter, UTF-8 helpers."""
