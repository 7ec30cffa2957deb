"""Filed amendment text or HTML -> reviewed data: segmenting, clauses, limit wordings, diff, write."""
