// Parsing what HAProxy 2.6 answers on its master CLI and admin socket (texts captured from haproxy 2.6.12).

#include <gtest/gtest.h>

#include "gateway/admin_socket.h"
#include "gateway/haproxy_command.h"
#include "gateway/master_cli.h"

namespace flotilla::gateway {
namespace {

constexpr const char* kShowProc =
    "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
    "20625           master          2 [failed: 1]   0d00h10m28s     2.6.12-1+deb12u4\n"
    "# workers\n"
    "20628           worker          1               0d00h10m28s     2.6.12-1+deb12u4\n"
    "26104           worker          0               0d00h00m01s     2.6.12-1+deb12u4\n"
    "# programs\n\n";

TEST(ShowProc, ParsesMasterAndWorkers) {
  auto status = parseShowProc(kShowProc);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->masterPid, 20625);
  EXPECT_EQ(status->masterReloads, 2);
  EXPECT_EQ(status->failedReloads, 1);
  ASSERT_EQ(status->workers.size(), 2u);
  EXPECT_EQ(status->workers[0].pid, 20628);
  EXPECT_EQ(status->workers[0].reloads, 1);
  EXPECT_TRUE(status->hasCurrentWorker());
}

TEST(ShowProc, RejectsTextWithoutMaster) {
  EXPECT_FALSE(parseShowProc(""));
  EXPECT_FALSE(parseShowProc("Unknown command.\n"));
}

TEST(ShowProc, JudgesReloads) {
  ProcStatus before{100, 3, 0, {{101, 0}}};
  ProcStatus same = before;
  EXPECT_EQ(judgeReload(before, same), ReloadVerdict::Pending);
  ProcStatus good{100, 4, 0, {{101, 1}, {102, 0}}};
  EXPECT_EQ(judgeReload(before, good), ReloadVerdict::Succeeded);
  ProcStatus noWorkerYet{100, 4, 0, {{101, 1}}};
  EXPECT_EQ(judgeReload(before, noWorkerYet), ReloadVerdict::Pending);
  ProcStatus failed{100, 4, 1, {{101, 1}}};
  EXPECT_EQ(judgeReload(before, failed), ReloadVerdict::Failed);
}

constexpr const char* kServersState =
    "1\n"
    "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
    "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state "
    "bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr "
    "srv_agent_addr srv_agent_port\n"
    "3 be_a 1 ep1 127.0.0.11 0 4 1 1 3 17 2 0 6 0 0 0 - 9999 - 0 0 - - 0\n"
    "3 be_a 2 ep2 127.0.0.1 0 12 1 1 3 8 2 0 6 0 0 0 - 1 - 0 0 - - 0\n"
    "3 be_a 3 ep3 127.0.0.1 0 5 1 1 617 1 0 0 14 0 0 0 - 1 - 0 0 - - 0\n"
    "4 be_b 1 ep1 fd00::7 2 0 1 1 617 1 0 0 14 0 0 0 - 8080 - 0 0 - - 0\n\n";

TEST(ServersState, ParsesAddressesAndAdminStates) {
  auto states = parseServersState(kServersState);
  ASSERT_EQ(states.size(), 4u);
  EXPECT_EQ(states[0].backend, "be_a");
  EXPECT_EQ(states[0].server, "ep1");
  EXPECT_EQ(states[0].address, "127.0.0.11");
  EXPECT_EQ(states[0].port, 9999);
  // 4 = the `disabled` configuration bit alone, left behind by `state ready`: not maintenance.
  EXPECT_FALSE(states[0].maintenance());
  EXPECT_FALSE(states[0].draining());
  EXPECT_TRUE(states[1].draining());     // 12 = forced drain + configuration bit
  EXPECT_TRUE(states[2].maintenance());  // 5 = forced maintenance + configuration bit
  EXPECT_EQ(states[3].address, "fd00::7");
  EXPECT_EQ(states[3].operationalState, 2);
}

TEST(ServerStats, FindsColumnsByName) {
  const std::string csv =
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,hanafail,addr\n"
      "be_a,FRONTEND,,,,,,,OPEN,,\n"
      "be_a,ep1,0,0,0,0,7,0,DOWN,5,127.0.0.1:9999\n"
      "be_a,ep2,0,0,0,0,,0,UP 1/2,0,127.0.0.2:80\n"
      "be_a,BACKEND,0,0,0,0,,0,UP,,\n";
  auto stats = parseServerStats(csv);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].server, "ep1");
  EXPECT_EQ(stats[0].sessionLimit, 7);
  EXPECT_EQ(stats[0].healthAnalysisFailures, 5);
  EXPECT_TRUE(stats[0].down());
  EXPECT_EQ(stats[0].address, "127.0.0.1:9999");
  EXPECT_TRUE(stats[1].up());
  EXPECT_EQ(stats[1].sessionLimit, 0);
}

TEST(ServerStats, HandlesQuotedFieldsWithCommas) {
  // A server tripped by `observe layer7` describes it with a comma inside its check description.
  const std::string csv =
      "# pxname,svname,status,hanafail,check_desc,last_chk,addr,\n"
      "be_a,ep2,DOWN,1,Layer7 check passed,\"Detected 3 consecutive errors, last one was: \"\"500\"\"\",10.0.0.2:80,\n";
  auto stats = parseServerStats(csv);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].healthAnalysisFailures, 1);
  EXPECT_EQ(stats[0].address, "10.0.0.2:80");
}

TEST(RuntimeCommands, SeparatesErrorsFromChangeReports) {
  EXPECT_TRUE(runtimeCommandErrors("\n").empty());
  EXPECT_TRUE(runtimeCommandErrors("no need to change the addr, port changed from '1' to '9999' by 'stats socket "
                                   "command'\n\n\n\n")
                  .empty());
  EXPECT_TRUE(runtimeCommandErrors("IP changed from '127.0.0.1' to '10.0.0.1' by 'stats socket command'\n").empty());
  EXPECT_EQ(runtimeCommandErrors("No such server.\n\n"), std::vector<std::string>{"No such server."});
  EXPECT_EQ(runtimeCommandErrors("Invalid addr '1.2.3' by 'stats socket command'\n").size(), 1u);
}

TEST(HaproxyCommand, BuildsArgvWithoutShell) {
  RuntimePaths paths("/run/gw dir");
  EXPECT_EQ(paths.config, "/run/gw dir/haproxy.cfg");
  EXPECT_EQ(paths.adminSocket, "/run/gw dir/admin.sock");
  EXPECT_EQ(checkCommand("haproxy", paths.candidate),
            (std::vector<std::string>{"haproxy", "-c", "-f", "/run/gw dir/haproxy.cfg.candidate"}));
  EXPECT_EQ(masterCommand("/usr/sbin/haproxy", paths),
            (std::vector<std::string>{"/usr/sbin/haproxy", "-W", "-S", "/run/gw dir/master.sock,mode,600", "-p",
                                      "/run/gw dir/haproxy.pid", "-f", "/run/gw dir/haproxy.cfg"}));
}

}  // namespace
}  // namespace flotilla::gateway
