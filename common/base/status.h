// Status helpers shared by every component. Errors cross APIs as absl::Status / absl::StatusOr;
// foreign error types are converted in one adapter each (FromKafka in kafka.h, FromRocks in
// projector/view_store.cc, ToGrpc in grpc_status.h).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TF_CONCAT_INNER(a, b) a##b
#define TF_CONCAT(a, b) TF_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status tf_status_ = (expr);          \
    if (!tf_status_.ok()) return tf_status_;     \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, StatusOrExpr())`: assigns the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(TF_CONCAT(tf_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
