"""The month-end report: actuals in, the computation, statuses, the workbooks and their manifest."""
