#include "common/rpc/standard_services.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

namespace talentflow::rpc {
namespace {

// Server reflection describes a service by looking its name up in the generated pool; before
// EnableHealthAndReflection put the health protocol there, grpcurl's
// `grpc.health.v1.Health/Check` failed with "target server does not expose service".
TEST(EnableHealthAndReflection, TheHealthServiceCanBeDescribed) {
  EnableHealthAndReflection();
  const google::protobuf::ServiceDescriptor* health =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName("grpc.health.v1.Health");
  ASSERT_NE(health, nullptr);
  ASSERT_NE(health->FindMethodByName("Check"), nullptr);
  EXPECT_EQ(health->FindMethodByName("Check")->input_type()->full_name(), "grpc.health.v1.HealthCheckRequest");
  EXPECT_EQ(health->FindMethodByName("Check")->output_type()->full_name(), "grpc.health.v1.HealthCheckResponse");
  ASSERT_NE(health->FindMethodByName("Watch"), nullptr);
  EXPECT_TRUE(health->FindMethodByName("Watch")->server_streaming());
}

}  // namespace
}  // namespace talentflow::rpc
