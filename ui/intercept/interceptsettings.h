#pragma once

#include "intercept/rule.h"

namespace wslens::ui {

// Where the intercept rules and switch live between runs (QSettings, the rules
// in the rules-file format so they can be exported as they are).
intercept::RuleList loadInterceptRules(QString *problem = nullptr);
void saveInterceptRules(const intercept::RuleList &rules);
bool loadInterceptEnabled();
void saveInterceptEnabled(bool on);

} // namespace wslens::ui
