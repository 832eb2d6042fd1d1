"""anomaly: online outlier, level-shift and novelty detection with fixed memory, no tuning.

``anomaly: {}`` learns each series' level and spread as exponentially weighted
moving statistics (a handful of numbers per series, whatever its length) and fires on
any of six signs:

- a point far from the expected level: more than ``threshold`` mean absolute
  deviations away (a spike or a dip);
- a sustained shift: the short-term average of the residuals (a fast EWMA, about
  the last ten points) drifts more than ``shift * threshold`` deviations away, which
  catches a level change or a slow ramp before any single point looks extreme;
- novelty: a value outside everything the series has ever shown, by more than
  ``novelty`` of that historical range (Numenta's "spatial anomaly"); a spike the
  series makes every day is not new, a first-ever one is;
- an unusual duration: the series stays on one side of its long-term level for more
  than ``persistence`` times the longest such stretch seen before, which catches a
  missing or stuck phase of a periodic pattern (a daily peak that does not come)
  whose values all lie in the normal range;
- a stuck value: the same value repeated for longer than ``persistence`` times any
  such run before, as when an exporter freezes on its last reading;
- unlikely scores (Numenta's anomaly likelihood): the average score of about the last
  ten points is improbable, below ``likelihood`` in the tail of a Gaussian fitted to
  the series' own scores: more bursts or wider swings than the series usually shows,
  though no single point stands out.

The level and spread weigh a new point by at least ``2 / (age + 1)``, so a start-up
transient is forgotten as fast as it was learnt instead of inflating the spread for
hundreds of points.

Outliers are clipped before they update the level and spread, so one burst does not
teach the detector that bursts are normal, while a lasting change is adopted after a
while. Whether outliers are normal *for this series* is learnt separately: the share
of its points beyond the outlier or drift bar (a slow moving average, starting at 0).
Above ``bursty`` the series is bursty by nature (a job every hour, a spiky load
balancer) and its outliers and drifts are no longer news; only novelty and persistence
still fire there, so a burst taller than any before or a stretch longer than any
before is still caught. Bursts on a schedule are normal too, however rare: an
excursion that starts on the beat of earlier ones (within ``periodic`` of an interval
between them) is a job the series runs, not news. Once it fires, the verdict holds
for ``hold`` points, so one incident is one alert rather than a volley. Defaults were
chosen on the NAB corpus with a two-fold split (bench/nab.py --split), never per file.

Context for templates: ``score`` (deviations from expected), ``expected``,
``deviation``, ``shift_score``, ``novel``, ``run`` (points on one side of the
long-term level), ``outlier_share`` (recent share of outlying points), ``routine``
(the excursion is on the series' beat) and ``stuck`` (points of identical values).
"""

from __future__ import annotations

import math

from pydantic import Field

from alertd.detect.detectors.base import (
    DetectorParams,
    DetectorType,
    NoTick,
    Verdict,
    is_missing,
    register,
)

_FAST = 0.2
"""Weight of the newest residual in the short-term drift (~10 points of memory)."""
_LONG = 4
"""The long-term level remembers this many times ``memory`` points: slower than the
level used for outliers, so a whole phase of a daily pattern does not become normal."""
_MIN_RUN = 5
"""Runs shorter than this are noise around the level, not a duration worth learning."""
_BEATS = 4
"""Starts of past excursions remembered to recognise a schedule: the newest and three
before it, so one or two irregular excursions between two beats do not hide the beat."""


class AnomalyParams(DetectorParams):
    threshold: float = Field(default=9.0, gt=0)
    """How many mean absolute deviations from expected count as anomalous."""
    shift: float = Field(default=0.5, gt=0)
    """A sustained drift counts at this fraction of ``threshold``."""
    novelty: float = Field(default=0.05, ge=0)
    """Margin beyond the all-time range, as a fraction of it, that is new (0: off)."""
    persistence: float = Field(default=2.0, ge=0)
    """A stretch on one side of the long-term level this many times longer than any
    before is anomalous (0: off)."""
    bursty: float = Field(default=0.05, ge=0, le=1)
    """Share of outlying points (over about ``4 * memory`` points) above which
    outliers and drifts are this series' normal and no longer fire (0: off)."""
    likelihood: float = Field(default=1e-5, ge=0, lt=0.5)
    """The recent average score (about ten points) is anomalous when a Gaussian of this
    series' own scores gives it a tail probability below this (Numenta's anomaly
    likelihood at its published 1 - 1e-5 bar; 0: off)."""
    periodic: float = Field(default=0.1, ge=0, lt=1)
    """An excursion that starts on the beat of earlier ones (its interval since the
    last equals an interval between earlier ones, within this fraction) is a scheduled
    job, not news, and its outliers and drifts do not fire (0: off)."""
    memory: int = Field(default=300, ge=10)
    """Points the moving statistics effectively remember."""
    warmup: int = Field(default=60, ge=2)
    """Points seen before the detector may fire."""
    hold: int = Field(default=20, ge=1)
    """Points a verdict stays active after the last anomalous point."""


class AnomalySeries(NoTick):
    __slots__ = (
        "_alpha",
        "_dev",
        "_drift",
        "_hi",
        "_hold_left",
        "_last",
        "_latest",
        "_level",
        "_lo",
        "_longest",
        "_longest_same",
        "_mean",
        "_n",
        "_outliers",
        "_p",
        "_recent_score",
        "_routine",
        "_run",
        "_same",
        "_score_mean",
        "_score_var",
        "_scores",
        "_side",
        "_since_beyond",
        "_starts",
    )

    def __init__(self, params: AnomalyParams) -> None:
        self._p = params
        self._alpha = 2.0 / (params.memory + 1)
        self._hold_left = 0
        self._reset()
        self._latest = -math.inf

    def _reset(self) -> None:
        """Forget everything learnt (at start, or after an overflow)."""
        self._n: int = 0
        self._run: int = 0  # points in the current stretch on one side of the level
        self._side: int = 0
        self._longest: int = 0
        self._mean: float = 0.0
        self._dev: float = 0.0
        self._drift: float = 0.0
        self._level: float = 0.0
        self._outliers: float = 0.0  # slow moving share of points beyond the bars
        self._lo: float = math.inf
        self._hi: float = -math.inf
        # starts (event times) of the latest excursions, newest first
        self._starts: tuple[float, ...] = (-math.inf,) * _BEATS
        self._since_beyond: int = 2**31  # points since the last one beyond a bar
        self._routine: bool = False  # the current excursion is on a known beat
        self._last: float = math.nan
        # the likelihood's own history of scores; it counts its points, so a state
        # restored from before the sign existed learns them afresh instead of firing
        self._scores: int = 0
        self._score_mean: float = 0.0
        self._score_var: float = 0.0
        self._recent_score: float = 0.0
        self._same: int = 0  # points in the current run of identical values
        self._longest_same: int = 0

    def observe(self, t: float, value: float | None) -> Verdict | None:
        if is_missing(value):
            return None
        x = float(value or 0.0)
        self._latest = max(self._latest, t)
        self._n += 1
        if self._n == 1:
            self._mean = self._level = self._lo = self._hi = x
            return None
        # a perfectly flat history has no spread: measure against a tiny relative floor
        dev = max(self._dev, 1e-3 * abs(self._mean), 1e-12)
        score = abs(x - self._mean) / dev
        self._drift += _FAST * ((x - self._mean) - self._drift)
        shift_score = abs(self._drift) / dev
        novel = self._novel(x)
        self._track_run(x)
        threshold = self._p.threshold
        shift_bar = self._p.shift * threshold
        beyond = score > threshold or shift_score > shift_bar
        routine = self._on_beat(t, beyond)
        outlying = self._outlying(beyond) and not routine
        stuck = self._stuck(x)
        unlikely = self._unlikely(score)
        anomalous = self._n > self._p.warmup and (
            outlying or (novel and score > shift_bar) or self._overlong() or stuck or unlikely
        )
        self._learn(x, dev)
        if anomalous:
            self._hold_left = self._p.hold
        elif self._hold_left:
            self._hold_left -= 1
        context = {
            "score": score,
            "shift_score": shift_score,
            "expected": self._mean,
            "deviation": dev,
            "novel": novel,
            "run": self._run,
            "outlier_share": self._outliers,
            "routine": routine,
            "stuck": self._same,
        }
        return Verdict(anomalous or self._hold_left > 0, x, context)

    def _outlying(self, beyond: bool) -> bool:
        """Beyond a bar, unless this series is so often beyond one that it is its normal.

        The share is judged before this point joins it, so the first burst of a calm
        series still fires; it starts at 0, so a young series is presumed calm.
        """
        bursty = self._p.bursty
        usual = bool(bursty) and self._outliers > bursty
        self._outliers += (float(beyond) - self._outliers) / (_LONG * self._p.memory)
        return beyond and not usual

    def _on_beat(self, t: float, beyond: bool) -> bool:
        """Whether the excursion this point belongs to recurs on a schedule.

        An excursion starts at a point beyond a bar after ``hold`` points within them.
        It is on the beat when the time since the previous start equals the time
        between that start and one of the three before it, within ``periodic`` of it:
        a job every day or every hour, whose spikes are its normal even when they are
        too rare for the bursty share to notice. The verdict lasts the excursion.
        """
        if not beyond:
            self._since_beyond += 1
            return self._routine and self._since_beyond <= self._p.hold
        if self._since_beyond > self._p.hold and self._n > self._p.warmup:
            self._routine = self._completes_beat(t)
            self._starts = (t, *self._starts[:-1])
        self._since_beyond = 0
        return self._routine

    def _completes_beat(self, t: float) -> bool:
        tolerance = self._p.periodic
        newest, *older = self._starts
        gap = t - newest
        return bool(tolerance) and any(
            0 < newest - before < math.inf
            and abs(gap - (newest - before)) <= tolerance * (newest - before)
            for before in older
        )

    def _unlikely(self, score: float) -> bool:
        """The recent scores are improbably high for this series (Numenta's likelihood).

        A Gaussian is fitted to the series' own point scores (moving mean and variance
        over about ``4 * memory`` points) and the short-term average (``_FAST``, about
        ten points) is read against it. Each series is thus judged against how it
        usually scores, so the bar needs no tuning: a spiky series has a wide score
        distribution, a calm one a narrow one. It is not gated as bursty or on the
        beat: more bursts than the series usually makes are exactly what it reports.
        """
        bar = self._p.likelihood
        if not bar:
            return False
        self._recent_score += _FAST * (score - self._recent_score)
        spread = math.sqrt(self._score_var)
        z = (self._recent_score - self._score_mean) / spread if spread > 0 else 0.0
        self._scores += 1
        a = max(1.0 / self._scores, 2.0 / (_LONG * self._p.memory + 1))
        error = score - self._score_mean
        self._score_mean += a * error
        self._score_var = (1.0 - a) * (self._score_var + a * error * error)
        if not math.isfinite(self._score_var + self._recent_score):
            self._scores, self._score_mean, self._score_var, self._recent_score = 0, 0.0, 0.0, 0.0
            return False  # an absurd score overflowed: learn the scores again
        learnt = self._scores > 2 * self._p.warmup
        return learnt and z > 0 and 0.5 * math.erfc(z / math.sqrt(2.0)) < bar

    def _stuck(self, x: float) -> bool:
        """Identical values for longer than ``persistence`` times any such run before.

        A sensor or exporter that freezes repeats its last value while it used to
        move; the run must start after warmup, so a series that is constant from the
        start (a flag, an idle counter) is just flat, not stuck.
        """
        if x == self._last:
            self._same += 1
        else:
            self._longest_same = max(self._longest_same, self._same)
            self._same = 1
        self._last = x
        ratio = self._p.persistence
        started_after_warmup = self._n - self._same > self._p.warmup
        longest = max(self._longest_same, _MIN_RUN)
        return bool(ratio) and started_after_warmup and self._same > ratio * longest

    def _novel(self, x: float) -> bool:
        """Outside the all-time range by more than ``novelty`` of it (then widen it)."""
        lo, hi = self._lo, self._hi
        self._lo, self._hi = min(lo, x), max(hi, x)
        if not self._p.novelty or hi <= lo:
            return False
        margin = (hi - lo) * self._p.novelty  # inf on absurd ranges: nothing is novel
        return x > hi + margin or x < lo - margin

    def _track_run(self, x: float) -> None:
        side = (x > self._level) - (x < self._level)
        if side and side == self._side:
            self._run += 1
            return
        self._longest = max(self._longest, self._run)
        self._side = side
        self._run = 1 if side else 0

    def _overlong(self) -> bool:
        ratio = self._p.persistence
        return bool(ratio) and self._longest >= _MIN_RUN and self._run > ratio * self._longest

    def _learn(self, x: float, dev: float) -> None:
        # the weight of a new point never falls below 2 / (age + 1): a young series
        # forgets its start-up at the pace it learns, so a transient in the first
        # points (a cache warming, a backlog draining) does not linger as its spread
        a = max(self._alpha, 2.0 / (self._n + 1))
        limit = self._p.threshold * dev
        clipped = min(max(x, self._mean - limit), self._mean + limit) if self._n > 2 else x
        error = clipped - self._mean
        self._mean += a * error
        self._dev += a * (abs(error) - self._dev)
        long_alpha = 2.0 / (_LONG * self._p.memory + 1)
        self._level += max(1.0 / self._n, long_alpha) * (x - self._level)
        if not all(map(math.isfinite, (self._mean, self._dev, self._level))):
            self._reset()  # overflowed on absurd magnitudes: learn again from scratch


register(
    DetectorType(
        name="anomaly",
        params=AnomalyParams,
        build=lambda p: lambda: AnomalySeries(p),
        doc="Online outlier / level-shift / novelty detector (robust EWMA), no tuning: "
        "`anomaly: {}`.",
    )
)
