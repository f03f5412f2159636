"""Drafting: an article in, proposed mentions, reconciled nodes and candidate facts out, each with its
evidence span, every candidate checked by the seed's own validator. Offline: rules, a gazetteer read from
the seed (or the graph) and fuzzy matching; no model, no network. A curator reviews what it proposes."""
