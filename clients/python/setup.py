"""Builds the talentflow package: generates the gRPC stubs from the clone's proto/ at build time.

The .proto files import each other as "talentflow/v1/<name>.proto", so protoc's Python output imports
`from talentflow.v1 import event_pb2`: generated into src/talentflow/v1/, the stubs are modules of this
package under exactly that name, with no import rewriting. They are generated before build_py copies the
package (so a wheel and an editable install both get them) and are .gitignored.

The protos come from ../../proto (a build from the clone: `pip install ./clients/python`, which pip builds
in place) or from ./proto (an sdist, into which `sdist` copies them).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
PACKAGE_PROTO_DIR = Path("talentflow") / "v1"


def proto_root() -> Path:
    """The directory holding talentflow/v1/*.proto; raises with both places looked in when neither has them."""
    for candidate in (HERE / "proto", HERE.parent.parent / "proto"):
        if (candidate / PACKAGE_PROTO_DIR / "query.proto").is_file():
            return candidate
    raise RuntimeError(
        f"talentflow protos not found: looked for talentflow/v1/query.proto under {HERE / 'proto'} "
        f"and {HERE.parent.parent / 'proto'}; build from the talentflow clone (pip install ./clients/python)")


def generate_stubs(out_dir: Path) -> None:
    """Runs grpc_tools.protoc on every talentflow/v1/*.proto, writing *_pb2.py, *_pb2.pyi, *_pb2_grpc.py."""
    from grpc_tools import protoc  # a build requirement (pyproject.toml), not a runtime one
    import grpc_tools

    root = proto_root()
    protos = sorted(str(p.relative_to(root)) for p in (root / PACKAGE_PROTO_DIR).glob("*.proto"))
    well_known = Path(grpc_tools.__file__).resolve().parent / "_proto"  # google/protobuf/*.proto
    args = ["grpc_tools.protoc", f"-I{root}", f"-I{well_known}", f"--python_out={out_dir}",
            f"--pyi_out={out_dir}", f"--grpc_python_out={out_dir}", *protos]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {', '.join(protos)} (from {root})")


class BuildPyWithStubs(build_py):
    def run(self) -> None:
        generate_stubs(HERE / "src")
        super().run()


class SdistWithProtos(sdist):
    def make_release_tree(self, base_dir, files) -> None:
        super().make_release_tree(base_dir, files)
        source = proto_root() / PACKAGE_PROTO_DIR
        target = Path(base_dir) / "proto" / PACKAGE_PROTO_DIR
        target.mkdir(parents=True, exist_ok=True)
        for proto in source.glob("*.proto"):
            shutil.copy2(proto, target / proto.name)


setup(cmdclass={"build_py": BuildPyWithStubs, "sdist": SdistWithProtos})
