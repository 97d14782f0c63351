"""Property tests of the pure helpers (hypothesis): whatever the inputs, what each promises holds."""

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.geography import allocate
from sim.core.population import build_contacts, quartiles
from sim.core.ties import LOCK_FOREVER, NEVER_LOCKED, lock_expiry, strengthen
from sim.errors import close_names
from sim.shell.progress import _clock


@given(tie=st.floats(1e-6, 1.0), step=st.integers(-5200, 5200),   # the spin-up's weeks are negative
       threshold=st.floats(0.01, 1.0),
       decay=st.floats(1e-4, 0.5))
def test_lock_expiry_is_the_last_week_the_decaying_tie_stays_at_the_threshold(tie, step, threshold, decay):
    expiry = int(lock_expiry(np.array([tie]), step, threshold, decay)[0])
    if tie < threshold:
        assert expiry == NEVER_LOCKED < -5200          # below every week, the spin-up's included
        return
    weeks = expiry - step
    assert weeks >= 0
    assert tie * np.exp(-decay * weeks) >= threshold * (1 - 1e-9)          # still locked in at expiry
    assert tie * np.exp(-decay * (weeks + 1)) < threshold * (1 + 1e-9)     # not a week later


@given(tie=st.floats(0.0, 1.0), threshold=st.floats(0.01, 1.0))
def test_ties_that_do_not_decay_lock_forever_or_never(tie, threshold):
    expiry = int(lock_expiry(np.array([tie]), 7, threshold, 0.0)[0])
    assert expiry == (LOCK_FOREVER if tie >= threshold else NEVER_LOCKED)


@given(tie=st.floats(0.0, 1.0), gain=st.floats(0.0, 1.0))
def test_an_exchange_never_weakens_a_tie_nor_takes_it_beyond_one(tie, gain):
    after = float(strengthen(np.float64(tie), gain))
    assert tie - 1e-12 <= after <= 1.0 + 1e-12


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=400))
def test_quartiles_are_equal_sized_and_ordered(values):
    x = np.array(values)
    q = quartiles(x)
    counts = np.bincount(q, minlength=4)
    assert counts.max() - counts.min() <= 1 and counts.sum() == x.size
    for a in range(3):   # every value of a lower quartile is at most every value of a higher one
        if counts[a] and counts[a + 1]:
            assert x[q == a].max() <= x[q == a + 1].min()


@given(weights=st.lists(st.floats(0.01, 100.0), min_size=1, max_size=50), minimum=st.integers(0, 20),
       spare=st.integers(0, 10_000))
def test_allocation_is_exact_at_least_the_minimum_and_proportional(weights, minimum, spare):
    w = np.array(weights)
    total = minimum * w.size + spare
    out = allocate(total, w, minimum)
    assert out.sum() == total and (out >= minimum).all()
    exact = spare * w / w.sum()
    assert (np.abs(out - minimum - exact) < 1 + 1e-9).all()      # largest remainder: within one of exact


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(2, 60), min_size=1, max_size=6), n_hamlets=st.integers(1, 5),
       degree=st.integers(1, 12), cross=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_contacts_stay_in_their_village_and_nobody_is_their_own(sizes, n_hamlets, degree, cross, seed):
    rng = np.random.default_rng(seed)
    sizes = np.array(sizes, dtype=np.int64)
    geo = SimpleNamespace(households=sizes, offsets=np.concatenate(([0], np.cumsum(sizes)[:-1])))
    village = np.repeat(np.arange(sizes.size, dtype=np.int16), sizes)
    hamlet = rng.integers(0, n_hamlets, village.size).astype(np.int16)
    p = SimpleNamespace(n_hamlets=n_hamlets, network_degree=degree, network_cross_hamlet_share=cross)
    contacts = build_contacts(rng, village, hamlet, geo, p)
    assert contacts.shape == (village.size, degree)
    assert (contacts != np.arange(village.size)[:, None]).all()              # no self-contacts
    assert (village[contacts] == village[:, None]).all()                     # contacts stay in their village


@given(st.text(min_size=1, max_size=20))
def test_close_names_always_says_where_the_full_list_is(name):
    out = close_names(name, ["tie_gain", "trust_weight", "tie_decay_per_year"], "docs/parameters.md")
    assert out and out[-1].endswith("docs/parameters.md") or out[-1].endswith("docs/parameters.md)")


@given(st.floats(0, 10 * 86400))
def test_clock_reads_back_to_the_rounded_seconds(seconds):
    text = _clock(seconds)
    h = int(text.split("h")[0]) if "h" in text else 0
    rest = text.split("h")[1] if "h" in text else text
    m, s = rest.rstrip("s").split("m")
    assert h * 3600 + int(m) * 60 + int(s) == int(round(seconds))
