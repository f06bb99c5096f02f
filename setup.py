"""The fast lane's compiled kernel (advisor/advice/lane/kernel.pyx); everything else is in pyproject.toml."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "advisor.advice.lane.kernel",
                ["advisor/advice/lane/kernel.pyx"],
                language="c++",
                extra_compile_args=["-O2"],
            )
        ],
        compiler_directives={"language_level": "3"},
        quiet=True,
    )
)
