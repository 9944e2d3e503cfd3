#include "intercept/interceptsettings.h"

#include "intercept/rulesfile.h"

#include <QSettings>

namespace wslens::ui {

namespace {
const char RulesKey[] = "intercept/rules";
const char EnabledKey[] = "intercept/enabled";
} // namespace

intercept::RuleList loadInterceptRules(QString *problem)
{
    const QByteArray json = QSettings().value(QLatin1String(RulesKey)).toByteArray();
    intercept::RuleList rules;
    if (json.isEmpty())
        return rules;
    QString error;
    if (!intercept::parseRules(json, &rules, &error)) {
        if (problem)
            *problem = QStringLiteral("The saved intercept rules could not be read (%1); starting without rules.").arg(error);
        return {};
    }
    return rules;
}

void saveInterceptRules(const intercept::RuleList &rules)
{
    QSettings().setValue(QLatin1String(RulesKey), intercept::rulesToJson(rules));
}

bool loadInterceptEnabled()
{
    return QSettings().value(QLatin1String(EnabledKey), true).toBool();
}

void saveInterceptEnabled(bool on)
{
    QSettings().setValue(QLatin1String(EnabledKey), on);
}

} // namespace wslens::ui
