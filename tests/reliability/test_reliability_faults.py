"""Faults on every request each module sends: retries, waits, timeouts, lost answers, proxy pages.

One scenario = one (request kind, fault) pair = one inventory host with its own emulator. Step 0
runs the module with the fault armed; where that run fails, step 1 runs it again once the fault
is gone (after a pause long enough for delayed requests to finish). Then each scenario is checked on its own: the
results of both steps, the emulator's final state (nothing lost, nothing created twice), the
request log, and that the fault was really consumed (else the scenario proved nothing).
"""

import re

import pytest

from harness import (
    HTML_PAGE,
    EmulatorFleet,
    assert_one_sentence,
    credentials,
    duplicates,
    fixtures,
    run_playbook,
    same_callbacks,
)

OLD = 'function filter(request) {\n  return true;\n}\n'
NEW = 'function filter(request) {\n  return !request.copy.info.path.endsWith(".tmp");\n}\n'


def kind_spec(kind, number):
    """Scenario `number` of a request kind, on its own tasks: a = 10 + 2 * number holds callback c, b = a + 1 none.

    Returns module, arguments, the request the fault hits (method, path regex, URL path), and the
    callbacks of tasks a and b expected at the end. Only the name-lookup kinds fault a path that
    every scenario shares (/api/v2/tasks), so only they need an emulator of their own.
    """
    a, c = 10 + 2 * number, 1000 + number
    b = a + 1
    name = 'Alpha %d' % number
    start = {'id': c, 'task_id': a, 'type': 'filter', 'script': OLD}
    list_a = r'^/api/v2/tasks/%d/task_callbacks$' % a
    one = r'^/api/v2/tasks/%d/task_callbacks/%d$' % (a, c)
    kinds = {
        'task_callback GET list': (
            'task_callback',
            {'task': str(a), 'script': NEW},
            'GET',
            list_a,
            'tasks/%d/task_callbacks' % a,
            [dict(start, script=NEW)],
        ),
        'task_callback GET tasks by name': (
            'task_callback',
            {'task': name, 'script': NEW},
            'GET',
            r'^/api/v2/tasks$',
            'tasks',
            [dict(start, script=NEW)],
        ),
        'task_callback POST': (
            'task_callback',
            {'task': str(b), 'script': NEW},
            'POST',
            r'^/api/v2/tasks/%d/task_callbacks$' % b,
            'tasks/%d/task_callbacks' % b,
            [start, {'id': None, 'task_id': b, 'type': 'filter', 'script': NEW}],
        ),
        'task_callback PUT': (
            'task_callback',
            {'task': str(a), 'script': NEW},
            'PUT',
            one,
            'tasks/%d/task_callbacks/%d' % (a, c),
            [dict(start, script=NEW)],
        ),
        'task_callback DELETE': (
            'task_callback',
            {'task': str(a), 'state': 'absent'},
            'DELETE',
            one,
            'tasks/%d/task_callbacks/%d' % (a, c),
            [],
        ),
        'task_callback_info GET list (callback_id)': (
            'task_callback_info',
            {'task': str(a), 'callback_id': c},
            'GET',
            list_a,
            'tasks/%d/task_callbacks' % a,
            [start],
        ),
        'task_callback_info GET tasks by name': (
            'task_callback_info',
            {'task': name},
            'GET',
            r'^/api/v2/tasks$',
            'tasks',
            [start],
        ),
    }
    module, args, method, path, url_path, end = kinds[kind]
    return dict(
        module=module,
        args=args,
        method=method,
        path=path,
        url_path=url_path,
        end=end,
        start=[start],
        own_emulator=path == r'^/api/v2/tasks$',
        tasks=[{'id': a, 'name': name}, {'id': b, 'name': 'Bravo %d' % number}],
        task_ids=(a, b),
    )


KINDS = (
    'task_callback GET list',
    'task_callback GET tasks by name',
    'task_callback POST',
    'task_callback PUT',
    'task_callback DELETE',
    'task_callback_info GET list (callback_id)',
    'task_callback_info GET tasks by name',
)

# Faults: what to arm, extra module arguments, and what the first run must show.
FAULTS = {
    '503 twice': dict(
        spec=dict(status=503, times=2),
        outcome='ok',
        warning=r'Retried {method} \S+ after status 503 ' r'\(attempt 3 of 4, waited 1 s\)',
    ),
    '502 twice': dict(
        spec=dict(status=502, times=2),
        outcome='ok',
        warning=r'Retried {method} \S+ after status 502 ' r'\(attempt 3 of 4, waited 1 s\)',
    ),
    '429 Retry-After 2': dict(
        spec=dict(status=429, retry_after=2),
        outcome='ok',
        min_seconds=2.0,
        warning=r'Retried {method} \S+ after status 429 \(attempt 2 of 4, waited 2 s\)',
    ),
    '429 Retry-After 120': dict(
        spec=dict(status=429, retry_after=120),
        outcome='failed',
        message=r'asked to wait 120 seconds before retrying {method} {url}, longer than the 30 '
        r'seconds .*run the task again later',
    ),
    'delay past timeout': dict(
        spec=dict(delay=2),
        args={'timeout': 1},
        outcome='ok',
        warning=r'{method} \S+ (after no answer within 1 s|within the timeout of 1 seconds)',
    ),
    'drop before': dict(
        spec=dict(drop='before'), outcome='ok', warning=r'Retried {method} \S+ after a lost connection'
    ),
    'drop after': dict(spec=dict(drop='after'), outcome='ok', warning=r'{method} \S+'),
    'HTML 502 until retries run out': dict(
        spec=dict(status=502, times=4, body=HTML_PAGE),
        outcome='failed',
        message=r'answered {method} {url} with 502 and a body that is not JSON '
        r'\(text/html\): '
        r"'<html><head><title>502 Bad Gateway</title>.*; check that url "
        r"points to the Nodeum server",
    ),
    'HTML page with status 200': dict(
        spec=dict(status=200, body=HTML_PAGE),
        outcome='failed',
        message=r"answered {method} {url} with a body that is not JSON \(200, " r"text/html\): '<html><head><title>502",
    ),
}
# Two pairs are one fault each: "503 or 502, twice", and a proxy's HTML page (with 502 until the
# retries run out, or with 200): each request kind meets one of each pair, in turn.
PAIRS = {'503 twice': 0, '502 twice': 1, 'HTML 502 until retries run out': 0, 'HTML page with status 200': 1}
SCENARIOS = [(kind, fault) for number, kind in enumerate(KINDS)
             for fault in FAULTS if PAIRS.get(fault, number % 2) == number % 2]
PAUSE = 2.5  # longer than the delay fault, so that a delayed request has landed before the second run
_BATCHES = {}  # the batch's one playbook run; xdist_group keeps its tests on one worker (--dist loadgroup)


def host_name(kind, fault):
    return re.sub(r'[^a-z0-9]+', '_', ('%s %s' % (kind, fault)).lower()).strip('_')


def batch(tmp_path_factory):
    """Run every scenario once (cached for the tests of this worker)."""
    if _BATCHES:
        return _BATCHES['batch']
    work = tmp_path_factory.mktemp('faults')
    specs = [kind_spec(kind, number) for number, (kind, _fault) in enumerate(SCENARIOS)]
    shared_tasks = [task for spec in specs if not spec['own_emulator'] for task in spec['tasks']]
    shared_callbacks = [callback for spec in specs if not spec['own_emulator'] for callback in spec['start']]
    own = [spec for spec in specs if spec['own_emulator']]
    with EmulatorFleet(work) as fleet:
        started = fleet.start([{'fixtures': fixtures(shared_tasks, shared_callbacks)}] +
                              [{'fixtures': fixtures(spec['tasks'], spec['start'])} for spec in own])
        own_emulators = iter(started[1:])
        emulators = [next(own_emulators) if spec['own_emulator'] else started[0] for spec in specs]
        hosts = {}
        for number, ((kind, fault), spec, emulator) in enumerate(zip(SCENARIOS, specs, emulators)):
            emulator.fault(**dict(FAULTS[fault]['spec'], method=spec['method'], path=spec['path']))
            args = dict(spec['args'], url=emulator.url, **FAULTS[fault].get('args', {}))
            args.update(credentials(number))
            rerun = dict(args)
            rerun.pop('timeout', None)
            steps = [dict(module=spec['module'], args=args)]
            if FAULTS[fault]['outcome'] == 'failed':
                steps.append(dict(module=spec['module'], args=rerun))
            hosts[host_name(kind, fault)] = steps
        run = run_playbook(work, hosts, forks=len(hosts), pauses={1: PAUSE})
        snapshots = dict((id(emulator), emulator.snapshot()) for emulator in started)
        views = dict((host, _view(spec, snapshots[id(emulator)], emulator.api_url))
                     for host, spec, emulator in zip(hosts, specs, emulators))
        result = _BATCHES['batch'] = dict(run=run, views=views, specs=dict(zip(hosts, specs)))
    return result


def _view(spec, snapshot, api_url):
    """What a scenario's checks see of its emulator: its own tasks, requests and fault only."""
    ids = spec['task_ids']
    mine = re.compile(r'^/api/v2/tasks(/(%d|%d)(/.*)?)?$' % ids)
    return dict(state=[callback for callback in snapshot['state']['task_callbacks'] if callback['task_id'] in ids],
                requests=[entry for entry in snapshot['requests'] if mine.match(entry['path'])],
                pending_faults=[fault for fault in snapshot['pending_faults'] if fault['path'] == spec['path']],
                api_url=api_url)


@pytest.mark.xdist_group('faults')
def test_fault_runs_show_no_traceback_and_no_secret(tmp_path_factory, figures):
    run = batch(tmp_path_factory)['run']
    figures.record_run(run)
    assert run.records, 'the playbook recorded no result:\n%s\n%s' % (run.stdout[-3000:], run.stderr[-3000:])


@pytest.mark.xdist_group('faults')
@pytest.mark.parametrize('kind, fault', SCENARIOS)
def test_fault(kind, fault, tmp_path_factory, figures):
    data = batch(tmp_path_factory)
    run = data['run']
    host = host_name(kind, fault)
    view, expected, spec = data['views'][host], data['specs'][host], FAULTS[fault]
    figures.add(scenarios=1, faults=1)
    end = view['state']
    figures.add(duplicates=duplicates(expected['end'], end))

    first, second = run.step(host, 0), run.step(host, 1)
    assert first is not None, 'host %s did not run:\n%s' % (host, run.stdout[-3000:])
    assert (second is None) == (spec['outcome'] == 'ok'), 'host %s: a second run only follows a failed one' % host
    assert view['pending_faults'] == [], (
        'the fault was never met, so the scenario proved nothing: %s' % view['pending_faults']
    )
    assert any(entry['method'] == expected['method'] and re.match(expected['path'], entry['path'])
               for entry in view['requests'])

    # The state: nothing lost, nothing created twice.
    assert same_callbacks(expected['end'], end), 'state after the runs: %s' % end
    assert duplicates(expected['end'], end) == 0
    created = [entry for entry in view['requests'] if entry['method'] == 'POST' and entry['status'] == 201]
    assert len(created) <= (1 if expected['method'] == 'POST' else 0), view['requests']

    # The run that ends the scenario succeeds: the first when the fault is retried through, else
    # the second, with the fault gone.
    last = second or first
    figures.add(converged=last['status'] == 'ok' and same_callbacks(expected['end'], end))
    assert last['status'] == 'ok', last['result'].get('msg')

    fill = dict(method=expected['method'], url=re.escape('%s/%s' % (view['api_url'], expected['url_path'])))
    result = first['result']
    assert first['status'] == spec['outcome'], 'first run: %s' % result.get('msg')
    if spec['outcome'] == 'ok':
        _check_success(expected, fault, spec, first, fill)
    else:
        assert_one_sentence(result['msg'])
        assert re.search(spec['message'].format(**fill), result['msg']), result['msg']


def _check_success(expected, fault, spec, first, fill):
    result = first['result']
    warnings = ' | '.join(result.get('warnings', []))
    assert re.search(spec['warning'].format(**fill), warnings), 'warnings: %s' % warnings
    if spec.get('min_seconds'):
        assert first['seconds'] >= spec['min_seconds'], (
            'the retry waited %.2f s, less than Retry-After' % first['seconds']
        )
    if fault == 'drop after' and expected['method'] == 'POST':
        assert 'the server had created it all the same, so it was not sent again' in warnings
    if expected['module'] == 'task_callback':
        assert result['changed'] is True
        if expected['method'] == 'DELETE':
            assert result['task_callback'] is None
        else:
            assert result['task_callback']['script'] == NEW
    else:
        assert result['changed'] is False
        assert [item['script'] for item in result['task_callbacks']] == [OLD]
