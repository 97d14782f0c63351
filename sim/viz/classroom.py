"""The model as the classroom page drives it: forgiving input and a baseline twin.

``ClassroomModel`` is ``ClientelismModel`` with what a page needs:

* the seed arrives as text from an input box; an empty or non-numeric seed
  falls back to 0 with a message instead of an error (the page stays usable);
* policies come as on/off switches with an intensity and an end week each (the end week of a policy that
  is off is not used, as its intensity is not);
* the controls it was built with are kept (``controls``), so that the page can tell which of the controls
  shown have not been applied yet;
* a parameter combination the registry rejects is dropped with a message;
* pemekaran with the new seat no nearer than the regency seat runs, with a
  message saying that the seat moves farther away (``seat_conflict``);
* with ``compare=True`` a twin without any policy, same seed and parameters,
  steps together with it (the side-by-side view).
"""

from __future__ import annotations

from sim.core.geography import GEOGRAPHIES
from sim.errors import ConfigError, UnknownNameError
from sim.model import ClientelismModel
from sim.params.registry import POLICY_NAMES, check_seed
from sim.params.scenarios import PRESET_INTENSITY, SCENARIOS, resolve_params

# The page draws one village: it offers the one-village scenarios (not the regency).
CLASSROOM_SCENARIOS = tuple(name for name in SCENARIOS if name not in GEOGRAPHIES)


def parse_seed(text) -> tuple[int, tuple[str, dict] | None]:
    """(seed, message) from whatever the seed box holds (the model's rule, ``sim.params.registry.check_seed``)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return 0, ("seed_empty", {})
    try:
        return check_seed(text), None
    except ConfigError:
        return 0, ("seed_invalid", {"value": text if isinstance(text, bool | int) else str(text)[:40]})


def seat_conflict(pemekaran_on: bool, regency_km: float, new_seat_km: float) -> dict | None:
    """Pemekaran moves the regency seat to the new one: with the new seat no nearer it moves away (or nowhere).

    Returns the message's values, or None when the settings agree.
    """
    if pemekaran_on and new_seat_km >= regency_km:
        return {"old": float(regency_km), "new": float(new_seat_km)}
    return None


class ClassroomModel(ClientelismModel):
    """ClientelismModel for the visualizer (see module docstring).

    Args:
        rng: the seed, as a number or text.
        scenario_name: scenario name (``scenario`` is taken by Mesa's own scenario object).
        compare: also run a baseline twin (no policy) with the same seed.
        **controls: ``<policy>`` (bool), ``<policy>_intensity`` and ``<policy>_end_step`` for each
            policy, and any registry parameter.
    """

    def __init__(self, rng="0", scenario_name: str = "bangbayang", compare: bool = False, scenario=None,
                 **controls):
        # Mesa's Reset passes its own `scenario` object (mesa.experimental.scenarios); the
        # village scenario comes from the `scenario_name` control instead.
        if isinstance(scenario, str):
            scenario_name = scenario
        scenario = scenario_name
        self.controls = {"rng": rng, "scenario_name": scenario_name, "compare": compare, **controls}
        self.messages: list[tuple[str, dict]] = []
        seed, message = parse_seed(rng)
        if message:
            self.messages.append(message)
        if scenario not in CLASSROOM_SCENARIOS:
            self.messages.append(("param_invalid", {"error": f"scenario {scenario!r}"}))
            scenario = "bangbayang"
        on = [name for name in POLICY_NAMES if controls.pop(name, False)]
        params = {}
        for name in POLICY_NAMES:
            intensity = controls.pop(f"{name}_intensity", PRESET_INTENSITY[name])
            end = controls.pop(f"{name}_end_step", None)
            if name in on:
                params[f"{name}_intensity"] = intensity
                if end is not None:
                    params[f"{name}_end_step"] = end
        params.update(controls)
        params = self._acceptable(scenario, params)
        policy = "+".join(on) if on else "none"
        if "pemekaran" in on:
            values = resolve_params(scenario, "none", params)
            conflict = seat_conflict(True, values["dist_regency_km"], values["dist_new_seat_km"])
            if conflict:
                self.messages.append(("seat_farther", conflict))
        self.policies_on = on
        super().__init__(scenario=scenario, policy=policy, rng=seed, **params)
        self.twin = None
        if compare:
            baseline = {k: v for k, v in params.items() if not k.endswith(("_intensity", "_end_step"))}
            self.twin = ClientelismModel(scenario=scenario, policy="none", rng=seed, **baseline)

    def _acceptable(self, scenario: str, params: dict) -> dict:
        """Drop, one by one, overrides the registry rejects (each with a message)."""
        params = dict(params)
        while True:
            try:
                resolve_params(scenario, "none", params)
                return params
            except ConfigError as exc:
                if isinstance(exc, UnknownNameError):   # the name is the value: drop that control, not all of them
                    bad = exc.value if isinstance(exc.value, str) and exc.value in params else None
                else:
                    bad = exc.name if exc.name in params else next((k for k in params if k in exc.name), None)
                self.messages.append(("param_invalid", {"error": str(exc)}))
                if bad is None:
                    return {}
                params.pop(bad)

    def step(self) -> None:
        """One week of the village and, side by side, of its twin."""
        super().step()
        if self.twin is not None:
            self.twin.step()
