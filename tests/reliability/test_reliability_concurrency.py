"""Many forks at once: 20 hosts converging 20 tasks, and 5 hosts converging the same task.

- Fan-out: one emulator, its state replaced by 20 tasks (PUT /_emulator/state); 20 inventory hosts
  with forks 10, each converging its own task (half update an existing callback, half create one;
  half name the task by id, half by name). Connection and credential come from NODEUM_* variables.
  A second run changes nothing.
- Races: `hosts: all` without run_once, 5 hosts on the same task, in four groups, each group on its
  own emulator: create with no delay; create with the GET and the POST delayed (the delays make
  every host read "no callback" before any create lands, so all five create and four must remove
  theirs); update of one existing callback; removal of one existing callback.
"""

import re

import pytest

from harness import (SECRETS, EmulatorFleet, credentials, duplicates, fixtures, run_playbook,
                     same_callbacks)

OLD = 'function filter(request) {\n  return true;\n}\n'
FANOUT = 20
TASK_IDS = list(range(101, 101 + FANOUT))
RACERS = 5
RACE_GROUPS = ('create', 'create, GET and POST delayed', 'update', 'remove')
GET_DELAY = 3.0
POST_DELAY = 3.0


def fanout_script(task_id):
    return 'function filter(request) {\n  // task %d\n  return request.copy.info.size < %d;\n}\n' % (
        task_id,
        task_id * 1024,
    )


@pytest.mark.xdist_group('concurrency')
def test_twenty_hosts_twenty_tasks(tmp_path, figures):
    with EmulatorFleet(tmp_path) as fleet:
        (emulator,) = fleet.start([{'fixtures': fixtures([{'id': 1, 'name': 'placeholder'}], [])}])
        tasks = [{'id': task_id, 'name': 'Tenant %02d archive' % (task_id - 100)} for task_id in TASK_IDS]
        existing = [{'id': 1000 + task_id, 'task_id': task_id, 'type': 'filter', 'script': OLD}
                    for task_id in TASK_IDS[::2]]
        emulator.control.replace_state(tasks, existing)
        start_ids = set(callback['id'] for callback in emulator.callbacks())
        emulator.control.reset_requests()
        hosts = {}
        for number, task in enumerate(tasks):
            reference = str(task['id']) if number % 4 < 2 else task['name']
            step = dict(module='task_callback', args={'task': reference, 'script': fanout_script(task['id'])})
            hosts['tenant%02d' % (number + 1)] = [step, step]
        run = run_playbook(tmp_path / 'run', hosts, forks=10,
                           env={'NODEUM_URL': emulator.url, 'NODEUM_API_KEY': SECRETS['api key']})
        snapshot = emulator.snapshot()
    figures.record_run(run)
    end = snapshot['state']['task_callbacks']
    expected = [{'task_id': task_id, 'type': 'filter', 'script': fanout_script(task_id)} for task_id in TASK_IDS]
    converged = [
        task_id
        for task_id in TASK_IDS
        if same_callbacks(
            [item for item in expected if item['task_id'] == task_id],
            [item for item in end if item['task_id'] == task_id],
        )
    ]
    figures.add(scenarios=FANOUT, duplicates=duplicates(expected, end), converged=len(converged))
    for number, host in enumerate(hosts):
        first, second = run.step(host, 0), run.step(host, 1)
        assert first and first['status'] == 'ok', (host, first and first['result'].get('msg'))
        assert first['result']['changed'] is True, host
        assert first['result']['task_callback']['task_id'] == TASK_IDS[number]
        assert second and second['status'] == 'ok' and second['result']['changed'] is False, (host, second)
    assert same_callbacks(expected, end), end
    # Updates kept their callback (same id), creates made exactly one each.
    assert start_ids <= set(callback['id'] for callback in end)
    writes = [(entry['method'], entry['status']) for entry in snapshot['requests'] if entry['method'] != 'GET']
    assert sorted(writes) == sorted([('POST', 201)] * (FANOUT // 2) + [('PUT', 200)] * (FANOUT // 2)), writes


def race_steps(group, number, url):
    args = dict(url=url, task='Shared task' if number % 2 else '1', **credentials(number))
    if group == 'remove':
        args['state'] = 'absent'
    else:
        args['script'] = 'function filter(request) {\n  return request.copy.info.path !== "core";\n}\n'
    return [dict(module='task_callback', args=args)]


@pytest.mark.xdist_group('concurrency')
def test_five_hosts_one_task(tmp_path, figures):
    tasks = [{'id': 1, 'name': 'Shared task'}]
    start = {
        'create': [],
        'create, GET and POST delayed': [],
        'update': [{'id': 10, 'task_id': 1, 'type': 'filter', 'script': OLD}],
        'remove': [{'id': 10, 'task_id': 1, 'type': 'filter', 'script': OLD}],
    }
    with EmulatorFleet(tmp_path) as fleet:
        emulators = dict(zip(RACE_GROUPS, fleet.start(
            [{'fixtures': fixtures(tasks, start[group])} for group in RACE_GROUPS])))
        delayed = emulators['create, GET and POST delayed']
        delayed.fault(method='GET', path=r'^/api/v2/tasks/1/task_callbacks$', delay=GET_DELAY, times=RACERS)
        delayed.fault(method='POST', path=r'^/api/v2/tasks/1/task_callbacks$', delay=POST_DELAY, times=RACERS)
        hosts, members = {}, {}
        for group_number, group in enumerate(RACE_GROUPS):
            for number in range(RACERS):
                host = 'race%d_%s_%d' % (group_number, re.sub(r'\W+', '_', group), number)
                hosts[host] = race_steps(group, number, emulators[group].url)
                members.setdefault(group, []).append(host)
        run = run_playbook(tmp_path / 'run', hosts, forks=len(hosts))
        snapshots = dict((group, emulator.snapshot()) for group, emulator in emulators.items())
        injected = fleet.faults_injected
    figures.record_run(run)
    figures.add(scenarios=len(RACE_GROUPS), faults=injected)
    script = race_steps('create', 0, '')[0]['args']['script']
    problems = []
    for group in RACE_GROUPS:
        results = [run.step(host, 0) for host in members[group]]
        end = snapshots[group]['state']['task_callbacks']
        expected = [] if group == 'remove' else [{'task_id': 1, 'type': 'filter', 'script': script}]
        figures.add(duplicates=duplicates(expected, end))
        ok = all(result and result['status'] == 'ok' for result in results) and same_callbacks(expected, end)
        figures.add(converged=ok)
        if not ok:
            problems.append((group, end, [result and result['result'].get('msg') for result in results]))
            continue
        changed = [result['result']['changed'] for result in results]
        methods = [entry['method'] for entry in snapshots[group]['requests']]
        if group.startswith('create'):
            # Exactly one host reports the create; the others saw it, or lost the race and removed theirs.
            assert changed.count(True) == 1, (group, changed)
            assert methods.count('POST') - methods.count('DELETE') == 1, (group, methods)
            losers = [
                result for result in results if any(
                    'removed its own duplicate' in warning for warning in result['result'].get(
                        'warnings', []))]
            assert len(losers) == methods.count('DELETE'), (group, methods)
            assert all(result['result']['task_callback']['id'] == end[0]['id'] for result in results), group
        else:
            assert changed.count(True) >= 1, (group, changed)
        if group == 'create, GET and POST delayed':
            assert snapshots[group]['pending_faults'] == [], 'the delays were not all met'
            assert methods.count('POST') == RACERS, 'the delays did not make every host create: %s' % methods
    assert not problems, problems
