from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from visits.services import balanced_owner


@given(n=st.integers(min_value=1, max_value=5000), k=st.integers(min_value=1, max_value=400))
def test_balanced_assignment_gives_every_cadre_the_same_share_within_one_in_consecutive_runs(n, k):
    owners = [balanced_owner(i, n, k) for i in range(n)]
    assert owners == sorted(owners)  # consecutive runs: a cadre's households are neighbours
    counts = Counter(owners)
    assert all(0 <= o < k for o in owners)
    shares = [counts.get(c, 0) for c in range(k)]
    assert max(shares) - min(shares) <= 1
    assert sum(shares) == n
