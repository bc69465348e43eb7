"""Calls for projects (AAP, AMI, appels à initiatives) and the grants they lead to.

- models/: Call, FormField, CallSettings (the granting body's SIRET for SCDL); Application and its
  documents, transitions, reviewer assignments, private notes, messages; Grant, Payment,
  ReportingDocument, ResultIndicator. Reviews are innovation Assessments (subject
  "calls.application").
- workflow.py: states and allowed transitions; actions/: every write (check, write, audit, mail on
  commit); perms.py: who may do what; eligibility.py, uploads.py, ranking.py, scdl.py, exports.py.
- views/ are thin and call the same actions; templates in essor/templates/calls/.
"""
