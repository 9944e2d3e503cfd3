#pragma once

// Starting the python3-websockets and node-ws peers of tests/endpoints/peers.

#include "testsupport.h"

#include <QString>
#include <QStringList>

namespace wslens::test {

enum class Peer { Python, Node };

inline QString peerName(Peer p)
{
    return p == Peer::Python ? QStringLiteral("python3-websockets") : QStringLiteral("node-ws");
}

// Starts a peer script (file name under tests/endpoints/peers) with arguments.
inline bool startPeer(ChildProcess &child, Peer peer, const QString &script, const QStringList &args)
{
    const QString path = testDataPath(QStringLiteral("endpoints/peers/") + script);
    if (peer == Peer::Python)
        return child.start(debianPython(), QStringList{path} + args);
    return child.start(nodeBinary(), QStringList{path} + args,
                       {QStringLiteral("NODE_PATH=") + nodeModulesPath()});
}

} // namespace wslens::test
