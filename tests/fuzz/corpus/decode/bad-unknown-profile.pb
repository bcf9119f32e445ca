Unknown profile: foo
