"""The built-in model (ML-4): estimators (`classifier`, `tagger`), training (`train`),
inference (`infer`) and the pickled artefact (`bundle`). Nothing here imports the job
pipeline; scikit-learn, spaCy and pycrfsuite load only when an estimator is built or
unpickled, so importing the web app does not pay for them (issue 14 item 4)."""
