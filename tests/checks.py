"""checks - the pass/fail tally the test scripts share.

    check = Checks()
    check("name", condition, detail)   # counts; prints FAIL and detail
    sys.exit(check.report("label"))    # "label: N checks passed, M failed"
"""


class Checks:
    def __init__(self, limit=600, sep=" "):
        self.passed = self.failed = 0
        self.limit = limit  # how much of a failure's detail to print
        self.sep = sep      # between a failure's name and its detail

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s%s%s" % (name, self.sep, str(detail)[:self.limit]))
        return ok

    def report(self, label):
        """Print the closing line; the exit status."""
        print("%s: %d checks passed, %d failed" % (label, self.passed,
                                                   self.failed))
        return 1 if self.failed else 0
