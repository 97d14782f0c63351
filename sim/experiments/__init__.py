"""Experiments: designs, execution, analysis and reports (uncertainties, levers and outcomes, as EMA names them)."""
