# The one place that finds talentflow's dependencies, all from Debian 12 packages
# (deploy/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)  # OpenSSL::Crypto: SHA-256 of bearer tokens (common/auth.cc)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++)
pkg_check_modules(RDKAFKA_C REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# tcmalloc (gperftools) for the executables: ingest spends a third of its time in glibc malloc/free
# under protobuf's JSON parser (docs/BENCHMARKS.md).
pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
