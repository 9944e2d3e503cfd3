#include "intercept/rulesmodel.h"

namespace wslens::ui {

using intercept::Rule;

RulesModel::RulesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RulesModel::setRules(const intercept::RuleList &rules)
{
    beginResetModel();
    m_rules = rules;
    endResetModel();
}

void RulesModel::setHitSource(std::function<qint64(int)> hits)
{
    m_hits = std::move(hits);
    refreshHits();
}

void RulesModel::refreshHits()
{
    if (!m_rules.isEmpty())
        emit dataChanged(index(0, HitsColumn), index(int(m_rules.size()) - 1, HitsColumn), {Qt::DisplayRole});
}

int RulesModel::insertRule(int row, const Rule &rule)
{
    row = qBound(0, row, int(m_rules.size()));
    beginInsertRows(QModelIndex(), row, row);
    m_rules.insert(row, rule);
    endInsertRows();
    emit rulesEdited();
    return row;
}

void RulesModel::removeRule(int row)
{
    if (row < 0 || row >= m_rules.size())
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rules.removeAt(row);
    endRemoveRows();
    emit rulesEdited();
}

int RulesModel::moveRule(int row, int delta)
{
    const int to = row + delta;
    if (row < 0 || row >= m_rules.size() || to < 0 || to >= m_rules.size() || delta == 0)
        return row;
    // beginMoveRows wants the destination as "insert before" in the old numbering.
    if (!beginMoveRows(QModelIndex(), row, row, QModelIndex(), delta > 0 ? to + 1 : to))
        return row;
    m_rules.move(row, to);
    endMoveRows();
    emit rulesEdited();
    return to;
}

int RulesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int RulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Rule &r = m_rules.at(index.row());
    if (role == Qt::CheckStateRole && index.column() == EnabledColumn)
        return r.enabled ? Qt::Checked : Qt::Unchecked;
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case EnabledColumn: return {};
    case ActionColumn: return intercept::actionName(r.action);
    case DirectionColumn: return intercept::directionName(r.direction);
    case MatchColumn: return r.match;
    case ReplaceColumn: return r.replace;
    case HexColumn: return r.hex;
    case ReplaceHexColumn: return r.replaceHex;
    case OpcodeColumn:
        return r.opcode < 0 ? (role == Qt::EditRole ? QString() : QStringLiteral("data")) : intercept::opcodeName(r.opcode);
    case UrlColumn: return r.url;
    case HostColumn: return r.host;
    case NameColumn: return r.name;
    case HandshakeColumn: return intercept::handshakeName(r.handshake);
    case HitsColumn:
        if (role == Qt::DisplayRole && m_hits) {
            const qint64 hits = m_hits(index.row());
            return hits < 0 ? QVariant() : QVariant(QString::number(hits));
        }
        return {};
    }
    return {};
}

bool RulesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Rule &r = m_rules[index.row()];
    const Rule before = r;
    const QString text = value.toString().trimmed();
    if (index.column() == EnabledColumn) {
        if (role != Qt::CheckStateRole)
            return false;
        r.enabled = value.toInt() == Qt::Checked;
    } else if (role != Qt::EditRole) {
        return false;
    } else {
        switch (index.column()) {
        case ActionColumn:
            if (!intercept::actionFromName(text, &r.action))
                return false;
            break;
        case DirectionColumn:
            if (!intercept::directionFromName(text, &r.direction))
                return false;
            break;
        case MatchColumn: r.match = value.toString(); break; // regexes keep their spaces
        case ReplaceColumn: r.replace = value.toString(); break;
        case HexColumn: r.hex = text; break;
        case ReplaceHexColumn: r.replaceHex = text; break;
        case OpcodeColumn:
            if (text.isEmpty() || text == QLatin1String("data"))
                r.opcode = -1;
            else if (!intercept::opcodeFromName(text, &r.opcode))
                return false;
            break;
        case UrlColumn: r.url = text; break;
        case HostColumn: r.host = text; break;
        case NameColumn: r.name = text; break;
        case HandshakeColumn:
            if (!intercept::handshakeFromName(text, &r.handshake))
                return false;
            break;
        default: return false;
        }
    }
    if (r == before)
        return true;
    emit dataChanged(index.siblingAtColumn(0), index.siblingAtColumn(ColumnCount - 1));
    emit rulesEdited();
    return true;
}

Qt::ItemFlags RulesModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (index.column() == EnabledColumn)
        return f | Qt::ItemIsUserCheckable;
    if (index.column() != HitsColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant RulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case MatchColumn: return QStringLiteral("Regular expression on text messages (PCRE, like QRegularExpression)");
        case ReplaceColumn: return QStringLiteral("Replacement for Match; \\1..\\99 insert capture groups");
        case HexColumn: return QStringLiteral("Byte pattern on any message, e.g. \"de ad ?? ef\" (?? = any byte)");
        case ReplaceHexColumn: return QStringLiteral("Bytes that replace each match of Hex");
        case OpcodeColumn: return QStringLiteral("data (text and binary), text, binary, ping, pong, close or a number");
        case UrlColumn: return QStringLiteral("Regular expression on the connection URL; empty: every connection");
        case HostColumn: return QStringLiteral("Host name pattern with * and ?; empty: every host");
        case HandshakeColumn:
            return QStringLiteral("request or response: hold the WebSocket upgrade request or the 101 response "
                                  "(a breakpoint; Match is a regex on the head text); empty: messages");
        case HitsColumn: return QStringLiteral("Messages this rule matched since the rules were applied");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case EnabledColumn: return QStringLiteral("On");
    case ActionColumn: return QStringLiteral("Action");
    case DirectionColumn: return QStringLiteral("Direction");
    case MatchColumn: return QStringLiteral("Match (regex)");
    case ReplaceColumn: return QStringLiteral("Replace");
    case HexColumn: return QStringLiteral("Hex");
    case ReplaceHexColumn: return QStringLiteral("Replace hex");
    case OpcodeColumn: return QStringLiteral("Type");
    case UrlColumn: return QStringLiteral("URL (regex)");
    case HostColumn: return QStringLiteral("Host");
    case NameColumn: return QStringLiteral("Name");
    case HandshakeColumn: return QStringLiteral("Handshake");
    case HitsColumn: return QStringLiteral("Hits");
    }
    return {};
}

} // namespace wslens::ui
