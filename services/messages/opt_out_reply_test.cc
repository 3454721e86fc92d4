#include "services/messages/opt_out_reply.h"

#include "gtest/gtest.h"

namespace satisfaction::messages {
namespace {

TEST(OptOutReplyTest, TheUsualKeywordsInAnyCaseWidthAndPunctuation) {
  for (const char* reply : {"T", "t", "TD", "td", " Td ", "退订", "退订。", "STOP", "Stop!", "stopall", "UNSUBSCRIBE",
                            "cancel", "END", "quit", "ＴＤ", "ｔ", "\"T\"", "（退订）", "\nT\r\n"}) {
    EXPECT_TRUE(IsOptOutReply(reply)) << reply;
  }
}

TEST(OptOutReplyTest, OtherRepliesAreNotOptOuts) {
  for (const char* reply :
       {"", "  ", "谢谢", "很满意", "TT", "T D", "don't stop", "stop calling me at work", "5", "退订了吗", "\xff"}) {
    EXPECT_FALSE(IsOptOutReply(reply)) << reply;
  }
}

}  // namespace
}  // namespace satisfaction::messages
