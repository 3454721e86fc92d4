// gRPC over TLS, end to end: a CA, server and client certificates made by the
// test with the openssl tool, a server started with --tls-cert, --tls-key and
// --tls-client-ca, and clients with and without the right certificates.
#include <grpcpp/grpcpp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "satisfaction/v1/questionnaire.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_database.h"

namespace satisfaction {
namespace {

using test_support::Context;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a shell command in `folder`; fails the test if it fails.
void Run(const std::string& folder, const std::string& command) {
  std::string line = absl::StrCat("cd '", folder, "' && ", command, " >>openssl.log 2>&1");
  ASSERT_EQ(std::system(line.c_str()), 0) << command << "\n" << ReadFile(folder + "/openssl.log");
}

// A certificate authority `name` (name.key, name.pem) and a certificate
// `subject` it signs (subject.key, subject.pem) for localhost.
void MakeCa(const std::string& folder, const std::string& name) {
  Run(folder, absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=", name, "' -keyout ", name,
                           ".key -out ", name, ".pem"));
}
void MakeSigned(const std::string& folder, const std::string& ca, const std::string& subject) {
  Run(folder, absl::StrCat("openssl req -newkey rsa:2048 -nodes -subj '/CN=", subject, "' -keyout ", subject,
                           ".key -out ", subject, ".csr"));
  std::ofstream(absl::StrCat(folder, "/", subject, ".ext")) << "subjectAltName=DNS:localhost\n";
  Run(folder, absl::StrCat("openssl x509 -req -in ", subject, ".csr -CA ", ca, ".pem -CAkey ", ca,
                           ".key -CAcreateserial -days 2 -extfile ", subject, ".ext -out ", subject, ".pem"));
}

// Each test starts its own server, with the certificates SetUp makes.
class TlsE2eTest : public test_support::E2eTest {
 protected:
  TlsE2eTest() : E2eTest({.start_server = false}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eTest::SetUp());
    folder_ = test_support::MakeTempDir("satisfaction-tls");
    ASSERT_NO_FATAL_FAILURE(MakeCa(folder_, "server-ca"));
    ASSERT_NO_FATAL_FAILURE(MakeSigned(folder_, "server-ca", "server"));
    ASSERT_NO_FATAL_FAILURE(MakeCa(folder_, "client-ca"));
    ASSERT_NO_FATAL_FAILURE(MakeSigned(folder_, "client-ca", "dialer"));
    ASSERT_NO_FATAL_FAILURE(MakeCa(folder_, "stranger-ca"));
    ASSERT_NO_FATAL_FAILURE(MakeSigned(folder_, "stranger-ca", "stranger"));
  }
  void TearDown() override {
    std::filesystem::remove_all(folder_);
    E2eTest::TearDown();
  }

  std::unique_ptr<test_support::TestServer> StartTlsServer(bool require_client_certificates) {
    server::ServerConfig config;
    config.tls_cert = folder_ + "/server.pem";
    config.tls_key = folder_ + "/server.key";
    if (require_client_certificates) config.tls_client_ca = folder_ + "/client-ca.pem";
    return StartServer(config);
  }

  // Lists questionnaires as the admin over TLS, trusting the server's CA,
  // presenting `client` ("" for no certificate).
  grpc::Status ListOverTls(test_support::TestServer& server, const std::string& client) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(folder_ + "/server-ca.pem");
    if (!client.empty()) {
      options.pem_private_key = ReadFile(folder_ + "/" + client + ".key");
      options.pem_cert_chain = ReadFile(folder_ + "/" + client + ".pem");
    }
    // The server listens on 127.0.0.1; its certificate names localhost.
    grpc::ChannelArguments arguments;
    arguments.SetSslTargetNameOverride("localhost");
    auto channel =
        test_support::AuthorizedChannel(absl::StrCat("127.0.0.1:", server.server().grpc_port()),
                                        test_support::kTestAdminKey, grpc::SslCredentials(options), arguments);
    v1::ListQuestionnairesResponse listed;
    return v1::QuestionnaireService::NewStub(channel)->ListQuestionnaires(Context(absl::Seconds(10)).get(), {},
                                                                          &listed);
  }

  std::string folder_;
};

TEST_P(TlsE2eTest, ClientsTalkTlsAndPlainTextIsRefused) {
  auto server = StartTlsServer(/*require_client_certificates=*/false);
  ASSERT_NE(server, nullptr);
  grpc::Status over_tls = ListOverTls(*server, "");
  EXPECT_TRUE(over_tls.ok()) << over_tls.error_message();
  v1::ListQuestionnairesResponse listed;
  grpc::Status plain = v1::QuestionnaireService::NewStub(server->channel())
                           ->ListQuestionnaires(Context(absl::Seconds(5)).get(), {}, &listed);
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE) << plain.error_message();
}

TEST_P(TlsE2eTest, WithAClientCaOnlyClientsItSignedGetIn) {
  auto server = StartTlsServer(/*require_client_certificates=*/true);
  ASSERT_NE(server, nullptr);
  grpc::Status signed_client = ListOverTls(*server, "dialer");
  EXPECT_TRUE(signed_client.ok()) << signed_client.error_message();
  EXPECT_EQ(ListOverTls(*server, "").error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ListOverTls(*server, "stranger").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_P(TlsE2eTest, MissingCertificateFilesStopTheStartNamingTheFlag) {
  // A mistake in the configuration is told before any port is opened: here
  // the metrics port is taken too, and still the flag to mend comes first.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  server::ServerConfig config;
  config.db_url = test_database_->url();
  config.grpc_listen = "127.0.0.1:0";
  config.http_listen = "";
  config.metrics_listen = absl::StrCat("127.0.0.1:", taken.local_endpoint().port());
  config.templates_dir = "";
  config.tls_cert = folder_ + "/nowhere.pem";
  config.tls_key = folder_ + "/server.key";
  absl::StatusOr<std::unique_ptr<server::SatisfactionServer>> started = server::SatisfactionServer::Start(config);
  ASSERT_FALSE(started.ok());
  EXPECT_TRUE(absl::StartsWith(started.status().message(), "--tls-cert")) << started.status();
}

SATISFACTION_INSTANTIATE_ON_BACKENDS(TlsE2eTest);

}  // namespace
}  // namespace satisfaction
