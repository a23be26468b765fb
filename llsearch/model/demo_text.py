"""Text fragments for demo lessons, in Portuguese and English, one family per kind of incident.

Placeholders: {component} {service} {minutes} {users} {count} {percent} {version}
{region} {threshold} {days}.
"""

from __future__ import annotations

from .demo_text_ops import OPERATIONS_FAMILIES, family

COMPONENTS = (
    "health_check", "trading_engine", "prometheus", "api_gateway", "auth_service", "order_router",
    "market_data", "risk_engine", "payment_service", "notification_service", "postgres",
    "redis_cache", "kafka", "load_balancer", "dns", "ci_pipeline", "deploy_pipeline",
    "backup_service", "grafana", "settlement_batch", "user_portal",
)
AUTHORS = (
    "Ana Souza", "Bruno Carvalho", "Carla Mendes", "Diego Ferreira", "Eduarda Lima", "Felipe Rocha",
    "Gabriela Alves", "Henrique Costa", "Isabela Martins", "João Pereira", "Karen O'Brien",
    "Liam Walsh", "Maria Oliveira", "Nuno Tavares", "Olivia Brown", "Pedro Santos", "Rafael Gomes",
    "Sofia Ribeiro", "Thomas Müller", "Yuki Tanaka",
)
APPROVERS = ("Carlos Lima (PSA)", "Helena Duarte (CQO)", "Marta Vieira (PSA)", "Richard Hale (CQO)")
REGIONS = ("sa-east-1", "eu-west-1", "us-east-1", "eu-central-1")
GENERIC_TAGS = ("postmortem", "p1", "p2", "sla", "on-call", "automation", "runbook", "monitoring")

IMPACT = {
    "pt": (
        "- Downtime: {minutes} minutos\n- Usuários afetados: {users}\n"
        "- Impacto financeiro: €{cost}\n- Dados perdidos: {lost}"
    ),
    "en": (
        "- Downtime: {minutes} minutes\n- Users affected: {users}\n"
        "- Financial impact: €{cost}\n- Data lost: {lost}"
    ),
}
LOST = {"pt": ("NÃO", "SIM"), "en": ("NO", "YES")}
TITLE_SUFFIXES = {
    "pt": (" em {region}", " durante o plantão", " após a release {version}", " no fechamento do mês"),
    "en": (" in {region}", " during on-call", " after release {version}", " at month end"),
}
WHY = {"pt": "Por quê?", "en": "Why?"}
GENERIC_ACTIONS = {
    "pt": ("Atualizar o runbook do {component}", "Apresentar a lição na reunião de engenharia",
           "Revisar os alertas do {component}"),
    "en": ("Update the {component} runbook", "Present the lesson at the engineering meeting",
           "Review the {component} alerts"),
}
FOLLOW_UP_NOTES = {
    "pt": ("Revisado na reunião semanal de confiabilidade.", "Alerta validado em exercício de game day.",
           "Aguardando a próxima janela de mudança."),
    "en": ("Reviewed in the weekly reliability meeting.", "Alert validated in a game-day exercise.",
           "Waiting for the next change window."),
}


RELEASE_AND_SECURITY_FAMILIES = (
    family(
        ("deploy_pipeline", "trading_engine", "order_router", "api_gateway"),
        ("TECHNICAL", "TECHNICAL", "PROCESS", "OPERATIONAL"),
        ("rollback", "deployment", "release"),
        {
            "title": ("Rollback da versão {version} do {component} após aumento de erros",
                      "Reversão de deploy no {component} por falha de migração"),
            "situation": ("O deploy da versão {version} do {component} em {region} elevou a taxa de erros 5xx "
                          "para {percent}% e foi executado um rollback após {minutes} minutos.",),
            "whys": ("A nova versão retornava erros 5xx em {percent}% das requisições.",
                     "Uma migração de esquema incompatível foi aplicada antes do código novo.",
                     "O pipeline não separava migração e deploy em etapas distintas.",
                     "O teste de canário usava apenas {count} requisições sintéticas.",
                     "Não havia critério de promoção automática baseado em SLO."),
            "solution": ("Rollback imediato para a versão anterior e migração revertida manualmente.",),
            "prevention": ("Canário com análise automática de SLO e migrações expand/contract.",),
            "actions": ("Adicionar análise de canário baseada em SLO ao {component}",
                        "Separar migrações de banco do deploy da aplicação",
                        "Documentar o procedimento de rollback no runbook"),
        },
        {
            "title": ("Rollback of {component} {version} after an error spike",
                      "Failed deployment of {component} reverted in {region}"),
            "situation": ("Deploying {component} {version} in {region} raised the 5xx rate to {percent}% and the "
                          "release was rolled back after {minutes} minutes.",),
            "whys": ("The new version failed {percent}% of requests.",
                     "An incompatible schema migration ran before the new code was live.",
                     "The pipeline ran migrations and deployment as a single step.",
                     "The canary stage only sent {count} synthetic requests.",
                     "There was no SLO-based promotion gate."),
            "solution": ("Rolled back to the previous version and reverted the migration by hand.",),
            "prevention": ("SLO-driven canary analysis and expand/contract migrations.",),
            "actions": ("Add SLO-based canary analysis for {component}",
                        "Split database migrations from application deploys",
                        "Write the rollback procedure into the runbook"),
        },
    ),
    family(
        ("health_check", "load_balancer", "api_gateway", "user_portal"),
        ("TECHNICAL", "OPERATIONAL"),
        ("health-check", "kubernetes", "availability"),
        {
            "title": ("Health check falhando derrubou instâncias saudáveis do {service}",
                      "Falso positivo no health_check do {service}"),
            "situation": ("O health check do {service} passou a falhar por timeout e o balanceador removeu "
                          "{count} instâncias saudáveis durante {minutes} minutos.",),
            "whys": ("O endpoint de health check demorava mais que {threshold} ms.",
                     "Ele consultava o banco de dados a cada chamada.",
                     "Liveness e readiness usavam o mesmo endpoint.",
                     "O padrão foi copiado de um serviço antigo sem revisão.",
                     "Não existe guia de health checks para novos serviços."),
            "solution": ("Separados os endpoints de liveness e readiness; readiness com cache de 5 segundos.",),
            "prevention": ("Guia de health checks e teste de carga do endpoint no pipeline.",),
            "actions": ("Separar liveness e readiness no {service}",
                        "Publicar guia de health checks",
                        "Adicionar teste de latência do health check no CI"),
        },
        {
            "title": ("Failing health check removed healthy {service} instances",
                      "False positive in the {service} health check"),
            "situation": ("The {service} health check started timing out and the load balancer removed {count} "
                          "healthy instances for {minutes} minutes.",),
            "whys": ("The health endpoint took longer than {threshold} ms.",
                     "It queried the database on every call.",
                     "Liveness and readiness shared one endpoint.",
                     "The pattern was copied from an old service without review.",
                     "There is no health-check guideline for new services."),
            "solution": ("Split liveness and readiness; readiness now caches its result for 5 seconds.",),
            "prevention": ("A health-check guideline and a latency test of the endpoint in CI.",),
            "actions": ("Split liveness and readiness in {service}",
                        "Publish a health-check guideline",
                        "Add a health-check latency test to CI"),
        },
    ),
    family(
        ("api_gateway", "auth_service", "load_balancer", "payment_service"),
        ("SECURITY", "OPERATIONAL", "OPERATIONAL"),
        ("tls", "certificates", "expiry"),
        {
            "title": ("Certificado TLS expirado no {component}",
                      "Expiração de certificado interrompeu o {component}"),
            "situation": ("O certificado TLS do {component} expirou às 03:00 UTC e os clientes receberam erros "
                          "de handshake por {minutes} minutos.",),
            "whys": ("O certificado não foi renovado a tempo.",
                     "A renovação era manual e dependia de um lembrete de calendário.",
                     "O responsável pelo lembrete saiu da equipe.",
                     "Não havia alerta de expiração com {days} dias de antecedência.",
                     "O inventário de certificados não cobria o {component}."),
            "solution": ("Certificado renovado e rotação automatizada com ACME.",),
            "prevention": ("Alerta de expiração com {days} dias e inventário automático de certificados.",),
            "actions": ("Automatizar a renovação de certificados do {component}",
                        "Criar alerta de expiração com {days} dias de antecedência",
                        "Inventariar todos os certificados em produção"),
        },
        {
            "title": ("Expired TLS certificate on {component}", "Certificate expiry took {component} down"),
            "situation": ("The TLS certificate of {component} expired at 03:00 UTC and clients got handshake "
                          "errors for {minutes} minutes.",),
            "whys": ("The certificate was not renewed in time.",
                     "Renewal was manual and relied on a calendar reminder.",
                     "The owner of the reminder had left the team.",
                     "No alert fired {days} days before expiry.",
                     "The certificate inventory did not cover {component}."),
            "solution": ("Renewed the certificate and automated rotation with ACME.",),
            "prevention": ("An expiry alert {days} days ahead and an automatic certificate inventory.",),
            "actions": ("Automate certificate renewal for {component}",
                        "Alert {days} days before certificate expiry",
                        "Inventory every production certificate"),
        },
    ),
    family(
        ("ci_pipeline", "auth_service", "payment_service", "kafka"),
        ("SECURITY", "SECURITY", "PROCESS"),
        ("credentials", "secrets", "leak"),
        {
            "title": ("Credenciais vazadas em log do {component}", "Segredo exposto em repositório público"),
            "situation": ("Uma chave de acesso do {component} foi encontrada em logs acessíveis a {count} "
                          "pessoas; a chave foi revogada em {minutes} minutos.",),
            "whys": ("A chave aparecia em texto claro nos logs de depuração.",
                     "O nível de log DEBUG estava ativo em produção.",
                     "A configuração de log não mascarava segredos.",
                     "O scanner de segredos não verificava logs, só código.",
                     "Não havia política de rotação periódica de credenciais."),
            "solution": ("Chave revogada e rotacionada; logs expurgados e mascaramento ativado.",),
            "prevention": ("Mascaramento de segredos no logger e rotação automática a cada {days} dias.",),
            "actions": ("Ativar mascaramento de segredos no logger do {component}",
                        "Rotacionar credenciais a cada {days} dias",
                        "Estender o scanner de segredos aos logs"),
        },
        {
            "title": ("Credentials leaked in {component} logs", "Secret exposed in a public repository"),
            "situation": ("An access key of {component} was found in logs readable by {count} people; it was "
                          "revoked within {minutes} minutes.",),
            "whys": ("The key was printed in clear text by debug logging.",
                     "DEBUG logging was enabled in production.",
                     "The log configuration did not mask secrets.",
                     "The secret scanner checked code but not logs.",
                     "There was no periodic credential rotation policy."),
            "solution": ("Revoked and rotated the key, purged the logs and enabled masking.",),
            "prevention": ("Secret masking in the logger and automatic rotation every {days} days.",),
            "actions": ("Enable secret masking in the {component} logger",
                        "Rotate credentials every {days} days",
                        "Extend the secret scanner to logs"),
        },
    ),
    family(
        ("settlement_batch", "payment_service", "notification_service", "market_data"),
        ("OPERATIONAL", "PROCESS"),
        ("sla", "batch", "latency"),
        {
            "title": ("SLA perdido no processamento do {component}", "Atraso de {minutes} minutos no {component}"),
            "situation": ("O {component} terminou {minutes} minutos depois do SLA, afetando {users} clientes.",),
            "whys": ("O lote processou {count} registros a mais que o normal.",
                     "A paralelização estava fixa em 4 workers.",
                     "O volume crescia {percent}% ao mês sem revisão de capacidade.",
                     "Não havia alerta de progresso do lote.",
                     "O planejamento de capacidade não incluía jobs em lote."),
            "solution": ("Workers escalados dinamicamente e lote reiniciado a partir do checkpoint.",),
            "prevention": ("Alerta de progresso do lote e revisão trimestral de capacidade.",),
            "actions": ("Adicionar alerta de progresso ao {component}",
                        "Escalar workers conforme o volume de entrada",
                        "Incluir jobs em lote no planejamento de capacidade"),
        },
        {
            "title": ("Missed SLA in {component} processing", "{component} finished {minutes} minutes late"),
            "situation": ("{component} finished {minutes} minutes after its SLA, affecting {users} customers.",),
            "whys": ("The batch had {count} more records than usual.",
                     "Parallelism was fixed at 4 workers.",
                     "Volume grew {percent}% a month with no capacity review.",
                     "There was no progress alert for the batch.",
                     "Capacity planning did not cover batch jobs."),
            "solution": ("Scaled workers dynamically and restarted the batch from its checkpoint.",),
            "prevention": ("A batch progress alert and a quarterly capacity review.",),
            "actions": ("Add a progress alert to {component}",
                        "Scale workers with the input volume",
                        "Cover batch jobs in capacity planning"),
        },
    ),
    family(
        ("prometheus", "grafana", "kafka", "redis_cache"),
        ("OPERATIONAL", "TECHNICAL", "PROCESS"),
        ("prometheus", "monitoring", "alerting"),
        {
            "title": ("Tempestade de alertas do Prometheus mascarou incidente real",
                      "Alertas duplicados do prometheus sobrecarregaram o plantão"),
            "situation": ("O Prometheus disparou {count} alertas em {minutes} minutos e o alerta real do "
                          "{service} passou despercebido pelo plantão.",),
            "whys": ("Uma regra sem agrupamento gerava um alerta por instância.",
                     "O Alertmanager não tinha inibição entre alertas relacionados.",
                     "As regras não eram revisadas após mudanças de topologia.",
                     "Não havia dono definido para as regras de alerta.",
                     "O processo de revisão de alertas não existia."),
            "solution": ("Alertas agrupados por serviço e regras de inibição configuradas.",),
            "prevention": ("Revisão mensal das regras de alerta com dono por regra.",),
            "actions": ("Agrupar alertas por serviço no Alertmanager",
                        "Definir dono para cada regra de alerta",
                        "Criar revisão mensal de alertas ruidosos"),
        },
        {
            "title": ("Prometheus alert storm hid a real incident", "Duplicate prometheus alerts flooded on-call"),
            "situation": ("Prometheus fired {count} alerts in {minutes} minutes and the real {service} alert "
                          "went unnoticed by on-call.",),
            "whys": ("A rule without grouping fired one alert per instance.",
                     "Alertmanager had no inhibition between related alerts.",
                     "Rules were not reviewed after topology changes.",
                     "Alert rules had no owner.",
                     "There was no alert review process."),
            "solution": ("Grouped alerts by service and configured inhibition rules.",),
            "prevention": ("A monthly review of alert rules, each with an owner.",),
            "actions": ("Group alerts by service in Alertmanager",
                        "Give every alert rule an owner",
                        "Start a monthly review of noisy alerts"),
        },
    ),
)
FAMILIES = RELEASE_AND_SECURITY_FAMILIES + OPERATIONS_FAMILIES
