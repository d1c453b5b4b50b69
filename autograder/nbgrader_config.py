"""nbgrader configuration for the rnncourse course root (this folder)."""

import os

c = get_config()  # noqa: F821 - provided by nbgrader/traitlets

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "rnncourse"
# Instructor sources live in the repository's notebooks/ folder.
c.CourseDirectory.source_directory = "source"

# nbgrader scores a cell zero on any stderr output. Our helpers keep TensorFlow
# quiet; this filter is the second line of defence for library warnings.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(WARNING: All log messages before absl|I0000 |W0000 |.*Warning:)"

# After a cell's reply, nbclient waits only 4 s for the kernel's last outputs, and
# nbgrader turns that wait running out into a crash (raise_on_iopub_timeout). On a busy
# machine a healthy kernel can take longer, so a grade would depend on the machine's load.
c.Execute.iopub_timeout = 60
