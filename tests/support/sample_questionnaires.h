#ifndef SATISFACTION_TESTS_SUPPORT_SAMPLE_QUESTIONNAIRES_H_
#define SATISFACTION_TESTS_SUPPORT_SAMPLE_QUESTIONNAIRES_H_

#include <string>

#include "satisfaction/v1/questionnaire.pb.h"

namespace satisfaction::test_support {

// A small valid questionnaire: `scale_items` 5-point items and one comment.
inline v1::Questionnaire SampleQuestionnaire(const std::string& title = "收货满意度", int scale_items = 2) {
  v1::Questionnaire q;
  q.mutable_title()->set_zh_cn(title);
  q.mutable_title()->set_en("Delivery satisfaction");
  q.mutable_description()->set_zh_cn("感谢您的购买。");
  for (int i = 0; i < scale_items; ++i) {
    v1::Item* item = q.add_items();
    item->set_code("item_" + std::to_string(i));
    item->set_kind(v1::ITEM_KIND_SCALE);
    item->mutable_text()->set_zh_cn("您对第" + std::to_string(i) + "项是否满意？");
    item->mutable_text()->set_en("How satisfied are you with point " + std::to_string(i) + "?");
    item->set_dimension(i == 0 ? v1::DIMENSION_OVERALL : v1::DIMENSION_LOGISTICS);
    item->set_weight(i == 0 ? 2.0 : 1.0);
    item->set_required(true);
  }
  v1::Item* comment = q.add_items();
  comment->set_code("comment");
  comment->set_kind(v1::ITEM_KIND_COMMENT);
  comment->mutable_text()->set_zh_cn("还有什么建议？");
  comment->set_max_length(300);
  return q;
}

}  // namespace satisfaction::test_support

#endif  // SATISFACTION_TESTS_SUPPORT_SAMPLE_QUESTIONNAIRES_H_
