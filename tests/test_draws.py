"""The week's draws (sim.core.draws): each a function of the key, site, week and who draws, with the laws they
stand for. Tolerances are about four standard errors of each statistic."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.core.draws import Draws, Site, event_keys, need_keys, poisson_quantile
from sim.model import ClientelismModel


def test_a_draw_does_not_depend_on_what_else_is_drawn_with_it():
    d = Draws(key=12345, week=7)
    who = np.arange(1_000, 2_000)
    together = d.uniform(Site.LAPSE, who)
    assert np.array_equal(together[::-1], d.uniform(Site.LAPSE, who[::-1]))        # order does not matter
    assert np.array_equal(together[10:11], d.uniform(Site.LAPSE, who[10:11]))     # nor the others
    again = Draws(key=12345, week=7)                                                # a new week object: same draws
    assert np.array_equal(together, again.uniform(Site.LAPSE, who))
    for n in range(12):                     # a handful of draws is computed another way: the same numbers
        assert np.array_equal(together[:n], d.uniform(Site.LAPSE, who[:n]))
    parts = d.uniform32(Site.CHANNEL_TASTE, who, parts=5)
    assert np.array_equal(parts[:, :3], d.uniform32(Site.CHANNEL_TASTE, who, parts=3))


def test_draws_differ_by_key_site_week_who_and_part():
    who = np.arange(50_000)
    base = Draws(1, 3).uniform(Site.LAPSE, who)
    parts = Draws(1, 3).uniform(Site.PICK_NOISE, who, parts=2)
    pairs = [(base, Draws(2, 3).uniform(Site.LAPSE, who)), (base, Draws(1, 4).uniform(Site.LAPSE, who)),
             (base, Draws(1, 3).uniform(Site.COMPLAINT, who)), (base, Draws(1, 3).uniform(Site.LAPSE, who + 1)),
             (parts[:, 0], parts[:, 1])]
    for a, b in pairs:
        assert abs(np.corrcoef(a, b)[0, 1]) < 4 / np.sqrt(who.size)


def test_uniform_draws_are_uniform_and_cover_the_unit_interval():
    d = Draws(99, -3)
    u = d.uniform(Site.PRIORITY, np.arange(200_000))
    assert 0.0 <= u.min() and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-4
    u32 = d.uniform32(Site.CHANNEL_TASTE, np.arange(40_000), parts=5)
    assert u32.dtype == np.float32 and u32.max() < 1.0
    assert stats.kstest(u32.ravel(), "uniform").pvalue > 1e-4
    # Consecutive keys and consecutive weeks: no serial correlation.
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 4 / np.sqrt(u.size)
    weeks = np.array([Draws(99, w).uniform(Site.PRIORITY, np.arange(1))[0] for w in range(4_000)])
    assert abs(np.corrcoef(weeks[:-1], weeks[1:])[0, 1]) < 4 / np.sqrt(weeks.size)
    assert stats.kstest(weeks, "uniform").pvalue > 1e-4


def test_poisson_quantile_is_the_poisson_inverse_distribution_function():
    rng = np.random.default_rng(0)
    u = rng.random(100_000)
    lam = rng.choice([0.0, 1e-6, 0.01, 0.7, 3.0, 9.99, 40.0, 2_000.0, 1e5], u.size)
    u[:3] = 1e-300, 0.5, 1 - 1e-12
    expected = np.where(lam > 0, stats.poisson.ppf(u, np.maximum(lam, 1e-300)), 0)
    assert np.array_equal(poisson_quantile(u, lam), expected.astype(np.int64))
    # One village's quantile is found on Python numbers: the same counts.
    one = np.array([poisson_quantile(u[i:i + 1], lam[i:i + 1])[0] for i in range(3_000)])
    assert np.array_equal(one, expected[:3_000].astype(np.int64))


def test_scattered_events_are_poisson_per_village_and_kind_and_uniform_within_the_village():
    sizes = np.array([30, 500, 2_000])
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rates = np.array([0.004, 0.0, 0.001])                 # per household and week, one per kind
    expected = sizes[:, None] * rates[None, :]            # villages × kinds
    weeks = 2_000
    counts = np.zeros((weeks,) + expected.shape)
    where = []
    sites = (Site.NEED_ARRIVAL, Site.NEED_ARRIVAL_WHO, Site.NEED_ARRIVAL_SERVICE)
    for week in range(weeks):
        s = Draws(5, week).scatter(sites, rates, offsets, sizes)
        for kind in range(3):
            households, keys = s.of(kind)
            village = np.searchsorted(offsets, households, side="right") - 1
            assert np.all(np.diff(village) >= 0)          # village by village within a kind
            counts[week, :, kind] = np.bincount(village, minlength=3)
            where.append(households[village == 2] - offsets[2])
        assert np.array_equal(s.kinds(), np.repeat([0, 1, 2], np.diff(s.bounds)))
        assert np.unique(s.keys).size == s.keys.size                    # every event its own key
    mean, var = counts.mean(axis=0), counts.var(axis=0)
    se = np.sqrt(expected / weeks)
    assert np.all(np.abs(mean - expected) <= 4 * se)
    assert np.all(np.abs(var - expected) <= 0.15 * expected)          # Poisson: variance = mean
    # Kinds of one village are independent Poisson numbers (splitting a Poisson number by kind).
    assert abs(np.corrcoef(counts[:, 2, 0], counts[:, 2, 2])[0, 1]) < 4 / np.sqrt(weeks)
    spots = np.concatenate(where)
    assert spots.min() >= 0 and spots.max() < sizes[2]
    assert stats.chisquare(np.bincount(spots * 10 // sizes[2], minlength=10)).pvalue > 1e-4


def test_keys_of_needs_and_events_are_distinct():
    households = np.repeat(np.arange(1_000), 3)
    services = np.tile([0, 1, 1], 1_000)
    rank = np.tile([0, 0, 1], 1_000)                  # a second need of one service in one week
    keys = need_keys(households, services, 5, rank)
    assert np.unique(keys).size == keys.size
    assert not np.array_equal(keys, need_keys(households, services, 6, rank))
    events = event_keys(np.repeat(np.arange(100), 50), np.tile(np.arange(50), 100))
    assert np.unique(events).size == events.size


def test_a_model_draws_its_key_from_its_seed():
    a, b, c = (ClientelismModel(rng=s, n_households=50, spinup_weeks=0) for s in (4, 4, 5))
    assert a.draw_key == b.draw_key != c.draw_key
    assert ClientelismModel.restore(a.snapshot()).draw_key == a.draw_key


def test_a_draw_of_one_part_is_the_draw_without_parts_and_zero_parts_are_refused():
    d = Draws(1, 1)
    who = np.arange(10)
    assert np.array_equal(d.uniform(Site.PICK_NOISE, who), d.uniform(Site.PICK_NOISE, who, parts=90)[:, 0])
    with pytest.raises(ValueError, match="1 to 65536 parts"):
        d.uniform(Site.PICK_NOISE, who, parts=0)
