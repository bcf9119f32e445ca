{"error": "profiling is disabled", "code": 403, "hint": "set PPROF_ENABLE=1"}
